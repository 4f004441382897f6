import { describe, expect, it } from "vitest";
import { checkConfig, UNDECLARED_MESSAGE } from "./check-config";
import { checkConfigText } from "./check-config-text";
import { compileSchema } from "./validate-config";

const schema = {
  type: "object",
  additionalProperties: false,
  required: ["project"],
  properties: {
    project: { type: "string", minLength: 1 },
    dataFiles: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        properties: { fastqPath: { type: "string" }, fastqCode: { enum: ["R1", "R2"] } },
      },
    },
    choice: {
      anyOf: [
        { type: "object", additionalProperties: false, properties: { a: { type: "string" } } },
        { type: "object", additionalProperties: false, properties: { b: { type: "string" } } },
      ],
    },
  },
};
const validate = compileSchema(schema);
const config = {
  project: "p",
  submitter: "alice",
  dataFiles: [{ fastqPath: "a.fq", fastqcode: "R1", flowcell: "HX1" }],
};

describe("checkConfig", () => {
  it("reports a schema's errorMessage in place of ajv's text, as validateWith does", () => {
    const withMessage = compileSchema({
      type: "object",
      properties: {
        sample: { type: "string", pattern: "^S[0-9]+$", errorMessage: "a sample id like S12" },
      },
    });
    expect(checkConfig(withMessage, { sample: "x" }).errors).toEqual([
      expect.objectContaining({ path: "/sample", message: "a sample id like S12" }),
    ]);
  });

  it("warns about undeclared properties by default, with their pointers, and accepts", () => {
    const { errors, warnings } = checkConfig(validate, { project: "p", submitter: "a", x: 1 });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      { path: "/submitter", message: UNDECLARED_MESSAGE, atKey: true },
      { path: "/x", message: UNDECLARED_MESSAGE, atKey: true },
    ]);
  });

  it("keeps a likely typo of a declared property an error under warn", () => {
    const { errors, warnings } = checkConfig(validate, config, "warn");
    expect(errors).toEqual([
      {
        path: "/dataFiles/0/fastqcode",
        message: 'is not an allowed property; did you mean "fastqCode"?',
        atKey: true,
      },
    ]);
    expect(warnings.map((w) => w.path)).toEqual(["/submitter", "/dataFiles/0/flowcell"]);
  });

  it("refuses every undeclared property under reject", () => {
    const { errors, warnings } = checkConfig(validate, config, "reject");
    expect(warnings).toEqual([]);
    expect(errors.map((e) => e.path)).toEqual([
      "/submitter",
      "/dataFiles/0/fastqcode",
      "/dataFiles/0/flowcell",
    ]);
    expect(errors[0]!.message).toMatch(/^is not an allowed property/);
  });

  it("says nothing about undeclared properties, typos included, under ignore", () => {
    expect(checkConfig(validate, config, "ignore")).toEqual({ errors: [], warnings: [] });
  });

  it("keeps the other errors whatever the choice", () => {
    const { errors, warnings } = checkConfig(validate, { project: "", extra: 1 }, "ignore");
    expect(errors).toEqual([{ path: "/project", message: "must not be empty" }]);
    expect(warnings).toEqual([]);
  });

  it("leaves an unknown property inside anyOf an error: it decides which branch matches", () => {
    const { errors } = checkConfig(validate, { project: "p", choice: { c: "x" } }, "ignore");
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.path.startsWith("/choice"))).toBe(true);
  });

  it("finds nothing to warn about where the schema allows extra properties", () => {
    const open = compileSchema({ type: "object", properties: { a: { type: "string" } } });
    expect(checkConfig(open, { a: "x", b: 1 }, "warn")).toEqual({ errors: [], warnings: [] });
  });

  it("does not take a short name two edits away for a typo (rgcn is not rgsm)", () => {
    const rg = compileSchema({
      type: "object",
      additionalProperties: false,
      properties: { rgsm: { type: "string" }, rglb: { type: "string" } },
    });
    const { errors, warnings } = checkConfig(rg, { rgcn: "x", rgsn: "y" });
    expect(warnings.map((w) => w.path)).toEqual(["/rgcn"]);
    expect(errors).toEqual([
      { path: "/rgsn", message: 'is not an allowed property; did you mean "rgsm"?', atKey: true },
    ]);
  });
});

describe("checkConfig on many data files", () => {
  it("lists at most 100 warnings and still finds an error after them", () => {
    const dataFiles = Array.from({ length: 150 }, () => ({ fastqPath: "a.fq", lane: 1 }));
    dataFiles.push({ fastqPath: "a.fq", fastqcode: "R1" } as never);
    const { errors, warnings } = checkConfig(validate, { project: "p", dataFiles });
    expect(warnings).toHaveLength(100);
    expect(errors.map((e) => e.path)).toEqual(["/dataFiles/150/fastqcode"]);
  });
});

describe("checkConfigText (the editor's check)", () => {
  const text = '{\n  "project": "p",\n  "flowcell": "HX1"\n}';

  it("locates warnings as it locates errors, and keeps the text valid", () => {
    const result = checkConfigText(text, validate);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      {
        path: "/flowcell",
        message: UNDECLARED_MESSAGE,
        line: 3,
        column: 3,
        endLine: 3,
        endColumn: 13,
      },
    ]);
  });

  it("follows the pipeline's choice", () => {
    expect(checkConfigText(text, validate, "reject").problems.map((p) => p.path)).toEqual([
      "/flowcell",
    ]);
    expect(checkConfigText(text, validate, "ignore")).toMatchObject({ problems: [], warnings: [] });
  });
});
