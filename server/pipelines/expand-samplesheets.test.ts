import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compileSchema, validateWith } from "@/lib/schema/validate-config";
import { loadPipelineDefinitions } from "./load-pipeline-definitions";

const roots: string[] = [];
function root(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "runport-samplesheets-"));
  roots.push(dir);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(
      path.join(dir, file),
      typeof content === "string" ? content : JSON.stringify(content),
    );
  }
  return dir;
}
afterEach(() => roots.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const sheet = {
  $schema: "http://json-schema.org/draft-07/schema",
  $id: "https://example.org/schema_input.json",
  description: "One row per sample",
  type: "array",
  uniqueEntries: ["sample"],
  items: {
    type: "object",
    required: ["sample"],
    properties: { sample: { type: "string", meta: ["id"] }, n: { type: "integer" } },
  },
};

/** A draft-07 nextflow_schema.json (definitions) whose `input` names the samplesheet. */
const pipelineFiles = (schemaFile: string) => ({
  "p/pipeline.json": {
    name: "p",
    version: "1.0.0",
    title: "P",
    command: ["true"],
    schema: "nextflow_schema.json",
    example: { input: [{ sample: "a" }] },
  },
  "p/nextflow_schema.json": {
    $schema: "http://json-schema.org/draft-07/schema",
    $id: "https://example.org/nextflow_schema.json",
    type: "object",
    definitions: {
      io: {
        type: "object",
        required: ["input"],
        properties: {
          input: {
            type: "string",
            format: "file-path",
            mimetype: "text/csv",
            pattern: "^\\S+\\.csv$",
            schema: schemaFile,
            help_text: "The samples.",
          },
        },
      },
    },
    allOf: [{ $ref: "#/definitions/io" }],
  },
});

describe("samplesheet parameters at load", () => {
  it("become an array of the samplesheet's rows in the effective schema (draft-07 groups)", () => {
    const dir = root({
      ...pipelineFiles("assets/schema_input.json"),
      "p/assets/schema_input.json": sheet,
    });
    const { pipelines, problems } = loadPipelineDefinitions([dir]);
    expect(problems).toEqual([]);
    const input = (pipelines[0]!.schema.definitions as Record<string, { properties: object }>).io!
      .properties;
    expect(input).toEqual({
      input: {
        description: "One row per sample",
        help_text: "The samples.",
        type: "array",
        items: sheet.items,
        uniqueEntries: ["sample"],
        schema: "assets/schema_input.json",
      },
    });
  });

  it("turns nf-validation's column rules into dependentRequired and uniqueEntries", () => {
    const old = {
      ...sheet,
      uniqueEntries: undefined,
      items: {
        ...sheet.items,
        properties: {
          sample: { type: "string", unique: true },
          lane: { type: "integer", unique: ["sample"] },
          n: { type: "integer", dependentRequired: ["sample"] },
        },
      },
    };
    const dir = root({
      ...pipelineFiles("assets/schema_input.json"),
      "p/assets/schema_input.json": old,
    });
    const { pipelines, problems } = loadPipelineDefinitions([dir]);
    expect(problems).toEqual([]);
    const groups = pipelines[0]!.schema.definitions as Record<
      string,
      { properties: { input: Record<string, unknown> } }
    >;
    const input = groups.io!.properties.input;
    expect(input.items).toEqual({
      type: "object",
      required: ["sample"],
      properties: { sample: { type: "string" }, lane: { type: "integer" }, n: { type: "integer" } },
      dependentRequired: { n: ["sample"] },
    });
    expect(input.allOf).toEqual([
      { uniqueEntries: ["sample"] },
      { uniqueEntries: ["lane", "sample"] },
    ]);
    const validate = compileSchema(pipelines[0]!.schema);
    const rows = [
      { sample: "a", lane: 1 },
      { sample: "a", lane: 1, n: 2 },
    ];
    expect(validateWith(validate, { input: rows }).map((p) => p.message)).toEqual([
      'repeats entry 1 (sample: "a"); the combination of sample must be unique',
      'repeats entry 1 (lane, sample: 1, "a"); the combination of lane, sample must be unique',
    ]);
  });

  it("refuse the pipeline when two samplesheet parameters would be written to one file", () => {
    const files = pipelineFiles("assets/schema_input.json");
    const io = (
      files["p/nextflow_schema.json"].definitions.io as { properties: Record<string, unknown> }
    ).properties;
    io["in put"] = io.input;
    io["in_put"] = io.input;
    const dir = root({ ...files, "p/assets/schema_input.json": sheet });
    const { pipelines, problems } = loadPipelineDefinitions([dir]);
    expect(pipelines).toEqual([]);
    expect(problems).toEqual([
      {
        file: path.join(dir, "p/pipeline.json"),
        message: expect.stringContaining(
          "parameters in put and in_put would both be written as in_put.csv: rename one",
        ) as unknown,
      },
    ]);
  });

  it.each([
    ["../outside.json", "is outside the pipeline folder"],
    ["assets/missing.json", "does not exist"],
    ["assets/not-array.json", "must describe an array of objects"],
    ["assets/with-ref.json", "uses $ref"],
    ["assets/broken.json", "is not JSON"],
    ["assets/link.json", "is outside the pipeline folder"],
  ])("refuse the pipeline when the samplesheet schema %s is unusable: %s", (file, message) => {
    const dir = root({
      ...pipelineFiles(file),
      "outside.json": sheet,
      "p/assets/not-array.json": { type: "object" },
      "p/assets/with-ref.json": { ...sheet, items: { $ref: "#/$defs/row" } },
      "p/assets/broken.json": "{",
    });
    symlinkSync(path.join(dir, "outside.json"), path.join(dir, "p/assets/link.json"));
    const { pipelines, problems } = loadPipelineDefinitions([dir]);
    expect(pipelines).toEqual([]);
    expect(problems).toEqual([
      {
        file: path.join(dir, "p/pipeline.json"),
        message: expect.stringContaining(
          `parameter input: samplesheet schema ${file} ${message}`,
        ) as unknown,
      },
    ]);
  });
});
