import { describe, expect, it } from "vitest";
import { compileSchema, validateWith } from "./validate-config";

const DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema";
const DRAFT_07 = "http://json-schema.org/draft-07/schema";

/** A samplesheet as nf-core writes assets/schema_input.json, inline. */
const samples = {
  type: "array",
  minItems: 1,
  uniqueEntries: ["sample", "fastq_1"],
  items: {
    type: "object",
    required: ["sample", "fastq_1"],
    dependentRequired: { fastq_2: ["strandedness"] },
    properties: {
      sample: {
        type: "string",
        pattern: "^\\S+$",
        meta: ["id"],
        errorMessage: "Sample name must be provided and cannot contain spaces",
      },
      fastq_1: {
        type: "string",
        pattern: "^\\S+\\.f(ast)?q(\\.gz)?$",
        errorMessage: { pattern: "FastQ file for reads 1 must end in .fastq or .fq" },
      },
      fastq_2: { type: "string" },
      strandedness: { type: "string", enum: ["forward", "reverse"], meta: "strandedness" },
    },
  },
};

/** nextflow_schema.json's shape: groups under $defs (or definitions) joined by allOf. */
function nfCoreSchema(dialect: string, groupsKey: "$defs" | "definitions") {
  return {
    $schema: dialect,
    title: "nf-core/example pipeline parameters",
    type: "object",
    [groupsKey]: {
      input_output_options: {
        title: "Input/output options",
        type: "object",
        fa_icon: "fas fa-terminal",
        required: ["outdir", "input"],
        properties: {
          input: { ...samples, fa_icon: "fas fa-file-csv", help_text: "One row per sample." },
          outdir: {
            type: "string",
            pattern: "^[a-z]+$",
            fa_icon: "fas fa-folder-open",
            errorMessage: "The output folder must be lower-case letters",
          },
        },
      },
      generic_options: {
        title: "Generic options",
        type: "object",
        properties: {
          seed: { type: "integer", minimum: 0, hidden: true, help_text: "Random seed." },
        },
      },
    },
    allOf: [
      { $ref: `#/${groupsKey}/input_output_options` },
      { $ref: `#/${groupsKey}/generic_options` },
    ],
  };
}

const valid = {
  outdir: "results",
  input: [
    { sample: "s1", fastq_1: "a.fq.gz", fastq_2: "b.fq.gz", strandedness: "forward" },
    { sample: "s2", fastq_1: "c.fastq" },
  ],
  seed: 3,
};

describe.each([
  ["draft 2020-12 with $defs", DRAFT_2020, "$defs" as const],
  ["draft-07 with definitions", DRAFT_07, "definitions" as const],
])("an nf-core-style schema, %s", (_name, dialect, groupsKey) => {
  const validate = compileSchema(nfCoreSchema(dialect, groupsKey));

  it("accepts a valid config: the annotations change nothing", () => {
    expect(validateWith(validate, valid)).toEqual([]);
  });

  it("follows the allOf references into the groups", () => {
    expect(validateWith(validate, { ...valid, seed: -1 })).toEqual([
      { path: "/seed", message: "must be >= 0" },
    ]);
  });

  it("replaces ajv's text by errorMessage, a string or one per keyword", () => {
    const problems = validateWith(validate, {
      outdir: "Results 1",
      input: [{ sample: "has space", fastq_1: "a.txt" }],
    });
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: "/outdir", message: "The output folder must be lower-case letters" },
        {
          path: "/input/0/sample",
          message: "Sample name must be provided and cannot contain spaces",
        },
        { path: "/input/0/fastq_1", message: "FastQ file for reads 1 must end in .fastq or .fq" },
      ]),
    );
  });

  it("gives a missing required property its own errorMessage, at its own path", () => {
    const problems = validateWith(validate, { outdir: "r", input: [{ fastq_1: "a.fq" }] });
    expect(problems).toEqual([
      {
        path: "/input/0/sample",
        message: "Sample name must be provided and cannot contain spaces",
      },
    ]);
  });

  it("refuses a repeated combination of the uniqueEntries fields, at the repeating entry", () => {
    const input = [
      { sample: "s1", fastq_1: "a.fq" },
      { sample: "s1", fastq_1: "b.fq" },
      { sample: "s1", fastq_1: "a.fq" },
    ];
    expect(validateWith(validate, { outdir: "r", input })).toEqual([
      {
        path: "/input/2",
        message:
          'repeats entry 1 (sample, fastq_1: "s1", "a.fq"); the combination of sample, fastq_1 must be unique',
      },
    ]);
  });

  it("requires the dependentRequired fields when their trigger is present", () => {
    const input = [{ sample: "s1", fastq_1: "a.fq", fastq_2: "b.fq" }];
    const problems = validateWith(validate, { outdir: "r", input });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe("/input/0");
    expect(problems[0]?.message).toContain("strandedness");
  });
});

describe("errorMessage on an object", () => {
  it("replaces what is wrong with its value, but not an unknown property's own sentence", () => {
    const validate = compileSchema({
      type: "object",
      properties: {
        opts: {
          type: "object",
          additionalProperties: false,
          minProperties: 1,
          properties: { a: { type: "string" } },
          errorMessage: "opts needs at least one option",
        },
      },
    });
    expect(validateWith(validate, { opts: {} })).toEqual([
      { path: "/opts", message: "opts needs at least one option" },
    ]);
    expect(validateWith(validate, { opts: { other: 1 } })).toEqual([
      { path: "/opts/other", message: "is not an allowed property; allowed: a", atKey: true },
    ]);
  });
});

describe("the annotation keywords", () => {
  it.each([
    ["hidden", "yes"],
    ["help_text", 3],
    ["fa_icon", false],
    ["meta", 1],
    ["schema", {}],
  ])("refuse a schema whose %s has the wrong type", (keyword, value) => {
    const schema = { type: "object", properties: { a: { type: "string", [keyword]: value } } };
    expect(() => compileSchema(schema)).toThrow(/must be/);
  });

  it("refuse a uniqueEntries that is not a list of field names", () => {
    expect(() => compileSchema({ type: "array", uniqueEntries: [1] })).toThrow();
  });
});

describe("compileSchema with an $id", () => {
  it("compiles two schemas with the same $id, as two versions of one nf-core pipeline have", () => {
    const schema = (max: number) => ({
      $schema: DRAFT_2020,
      $id: "https://raw.githubusercontent.com/nf-core/demo/master/nextflow_schema.json",
      type: "object",
      properties: { n: { type: "integer", maximum: max } },
    });
    const v1 = compileSchema(schema(1));
    const v2 = compileSchema(schema(2));
    expect(validateWith(v1, { n: 2 })).toHaveLength(1);
    expect(validateWith(v2, { n: 2 })).toEqual([]);
  });
});
