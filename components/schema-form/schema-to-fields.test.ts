import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canShowAsGrid } from "./grid-values";
import {
  mostlyRepresentable,
  resolveRef,
  schemaToFields,
  textFromValue,
  valueFromText,
  type FormField,
} from "./schema-to-fields";

type Schema = Record<string, unknown>;

const load = (name: string, file: string) =>
  JSON.parse(readFileSync(`pipelines/${name}/${file}`, "utf8")) as Schema;

const byKey = (groups: ReturnType<typeof schemaToFields>) =>
  new Map<string, FormField>(groups.flatMap((g) => g.fields).map((f) => [f.pointer, f]));

describe("schema to form fields", () => {
  it("gives every fastq-qc property its input", () => {
    const groups = schemaToFields(load("fastq-qc", "schema.json"), { canShowAsGrid });
    const fields = byKey(groups);
    expect(groups).toHaveLength(1);
    expect(fields.get("/project")).toMatchObject({
      kind: "text",
      title: "Project",
      required: true,
      minLength: 1,
      maxLength: 100,
      pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$",
    });
    expect(fields.get("/project")!.description).toMatch(/^Project name/);
    expect(fields.get("/email")).toMatchObject({ kind: "email", required: true });
    expect(fields.get("/description")).toMatchObject({ kind: "textarea", required: false });
    expect(fields.get("/minQuality")).toMatchObject({ kind: "integer", minimum: 0, maximum: 60 });
    expect(fields.get("/cram")).toMatchObject({ kind: "boolean" });
    expect(fields.get("/hpcAccount")).toMatchObject({ kind: "list", list: "hpc-accounts" });
    expect(fields.get("/tasks")).toMatchObject({ kind: "unsupported" });
    const data = fields.get("/dataFiles")!;
    expect(data).toMatchObject({ kind: "grid", required: true, minItems: 1, maxItems: 20000 });
    expect(Object.keys(data.itemSchema!.properties as Schema)).toContain("fastqCode");
    expect(mostlyRepresentable(groups)).toBe(true);
  });

  it("makes sections of nf-core's $defs groups, with their titles and required marks", () => {
    const groups = schemaToFields(load("fastq-subsample", "nextflow_schema.json"), {
      canShowAsGrid,
    });
    expect(groups.map((g) => g.title)).toEqual([
      "Input/output options",
      "Sub-sampling options",
      "Generic options",
    ]);
    expect(groups.every((g) => g.fields.length > 0)).toBe(true);
    const fields = byKey(groups);
    expect(fields.get("/input")).toMatchObject({ required: true });
  });

  it("resolves chains of local $refs, keeps sibling keywords, groups x-runport-section", () => {
    const schema: Schema = {
      type: "object",
      required: ["when"],
      $defs: {
        day: { $ref: "#/$defs/date" },
        date: { type: "string", format: "date", title: "Day" },
        level: { enum: ["low", "high"] },
      },
      properties: {
        when: { $ref: "#/$defs/day", description: "the day" },
        level: { $ref: "#/$defs/level", "x-runport-section": "Advanced" },
        tags: { type: "array", items: { type: "string" } },
        nested: {
          type: "object",
          title: "Nested part",
          properties: { size: { type: ["number", "null"] } },
        },
        choice: { oneOf: [{ type: "string" }, { type: "integer" }] },
        far: { $ref: "https://example.org/x.json" },
        matrix: { type: "array", items: { type: "array" } },
      },
    };
    expect(resolveRef(schema, { $ref: "#/$defs/day" })).toMatchObject({ format: "date" });
    const groups = schemaToFields(schema, { canShowAsGrid });
    expect(groups.map((g) => g.title)).toEqual([null, "Advanced", "Nested part"]);
    const fields = byKey(groups);
    expect(fields.get("/when")).toMatchObject({
      kind: "date",
      title: "Day",
      description: "the day",
      required: true,
    });
    expect(fields.get("/level")).toMatchObject({ kind: "enum", options: ["low", "high"] });
    expect(fields.get("/tags")).toMatchObject({ kind: "string-array" });
    expect(fields.get("/nested/size")).toMatchObject({ kind: "number", path: ["nested", "size"] });
    expect(fields.get("/choice")).toMatchObject({ kind: "unsupported", reason: "uses oneOf" });
    expect(fields.get("/far")).toMatchObject({ kind: "unsupported" });
    expect(fields.get("/matrix")).toMatchObject({ kind: "unsupported" });
  });

  it("a schema of free-form objects is not worth a form", () => {
    const groups = schemaToFields(
      {
        type: "object",
        properties: {
          a: { type: "object", additionalProperties: true },
          b: { anyOf: [{ type: "string" }] },
          c: { type: "string" },
        },
      },
      { canShowAsGrid },
    );
    expect(mostlyRepresentable(groups)).toBe(false);
  });

  it("converts typed text per the field's types; what does not convert stays text", () => {
    expect(valueFromText({ kind: "integer", types: ["integer"] }, "42")).toBe(42);
    expect(valueFromText({ kind: "integer", types: ["integer"] }, "4.5")).toBe("4.5");
    expect(valueFromText({ kind: "number", types: ["number"] }, "4.5")).toBe(4.5);
    expect(valueFromText({ kind: "text", types: ["integer", "string"] }, "7")).toBe(7);
    expect(valueFromText({ kind: "text", types: ["integer", "string"] }, "7a")).toBe("7a");
    expect(valueFromText({ kind: "text", types: ["string"] }, "")).toBeUndefined();
    expect(textFromValue(undefined)).toBe("");
    expect(textFromValue(3)).toBe("3");
    expect(textFromValue({ a: 1 })).toBe('{"a":1}');
  });
});
