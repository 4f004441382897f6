import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { schemaFields, schemaOverview, type SchemaField } from "./schema-fields";

function shippedSchema(pipeline: string): Record<string, unknown> {
  const file = path.join(import.meta.dirname, "../../pipelines", pipeline, "schema.json");
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

function byPath(fields: SchemaField[]): Map<string, SchemaField> {
  return new Map(fields.map((f) => [f.path, f]));
}

describe("schemaFields on the shipped pipelines", () => {
  it("lists hello's fields in schema order with their facts", () => {
    const fields = schemaFields(shippedSchema("hello"));
    expect(fields.map((f) => f.path)).toEqual([
      "name",
      "greeting",
      "sleepSeconds",
      "steps",
      "exitCode",
      "lines",
      "pipeline",
      "project",
    ]);
    const rows = byPath(fields);
    expect(rows.get("name")).toMatchObject({
      depth: 0,
      type: "string",
      required: true,
      title: "Name",
      constraints: ["1 to 100 characters"],
      examples: ["world", "Alice"],
      hasDefault: false,
    });
    expect(rows.get("greeting")).toMatchObject({ required: false, hasDefault: true });
    expect(rows.get("greeting")?.default).toBe("Hello");
    expect(rows.get("sleepSeconds")).toMatchObject({ type: "number", constraints: ["0 to 86400"] });
    expect(rows.get("steps")).toMatchObject({ type: "integer", default: 5 });
    expect(rows.get("pipeline")?.patterns).toEqual(["^hello(@.*)?$"]);
    expect(schemaOverview(shippedSchema("hello"))).toMatchObject({
      title: "hello run config",
      closed: true,
    });
  });

  it("flattens fastq-qc's dataFiles items with their paths and allOf patterns", () => {
    const fields = schemaFields(shippedSchema("fastq-qc"));
    const rows = byPath(fields);
    expect(fields.filter((f) => f.depth === 0).map((f) => f.path)).toEqual([
      "pipeline",
      "project",
      "study",
      "email",
      "description",
      "minQuality",
      // The old portal's fields, declared so that its documents are validated.
      "submitter",
      "submitterEmail",
      "submissionSource",
      "hpcAccount",
      "isilonPath",
      "cram",
      "holdConfig",
      "sex",
      "ethnicity",
      "studyDisease",
      "tasks",
      "dataFiles",
    ]);
    expect(rows.get("tasks.*")).toMatchObject({ type: "boolean" });
    expect(rows.get("email")).toMatchObject({ format: "email", required: true });
    expect(rows.get("description")?.required).toBe(false);
    expect(rows.get("dataFiles")).toMatchObject({
      type: "array",
      itemType: "object",
      required: true,
      constraints: ["1 to 20000 items", "each item: no other properties"],
    });
    const fastqPath = rows.get("dataFiles[].fastqPath");
    expect(fastqPath).toMatchObject({ depth: 1, name: "fastqPath", required: true });
    expect(fastqPath?.patterns).toEqual([
      "^[^\\x00-\\x1f]+\\.(fastq|fq)(\\.gz)?$",
      "^(?!(.*/)?\\.\\.(/|$))",
    ]);
    expect(fastqPath?.constraints).toEqual(["1 to 1024 characters"]);
    expect(rows.get("dataFiles[].fastqCode")?.enum).toEqual(["R1", "R2"]);
    expect(rows.get("dataFiles[].rgpl")).toMatchObject({ required: false, default: "ILLUMINA" });
    expect(fields).toHaveLength(52);
  });

  it("words a closed object as the pipeline treats undeclared properties", () => {
    const constraints = (mode: "warn" | "reject" | "ignore") =>
      schemaFields(shippedSchema("fastq-qc"), mode).find((f) => f.path === "dataFiles")
        ?.constraints;
    expect(constraints("warn")).toContain("each item: other properties are warned about");
    expect(constraints("ignore")).toContain("each item: other properties are ignored");
    expect(constraints("reject")).toContain("each item: no other properties");
  });
});

describe("schemaFields edge cases", () => {
  it("follows local $ref to $defs and definitions, own annotations first", () => {
    const fields = schemaFields({
      $defs: { code: { type: "string", pattern: "^[A-Z]+$", description: "A code" } },
      definitions: { count: { type: "integer", minimum: 1 } },
      properties: {
        a: { $ref: "#/$defs/code", description: "Mine" },
        b: { $ref: "#/definitions/count" },
        c: { $ref: "other.json#/x" },
      },
    });
    const rows = byPath(fields);
    expect(rows.get("a")).toMatchObject({ type: "string", description: "Mine" });
    expect(rows.get("a")?.patterns).toEqual(["^[A-Z]+$"]);
    expect(rows.get("b")).toMatchObject({ type: "integer", constraints: ["minimum 1"] });
    expect(rows.get("c")).toMatchObject({ type: "any" });
    expect(rows.get("c")?.notes[0]).toMatch(/other\.json#\/x/);
  });

  it("stops at cycles with a note instead of recursing forever", () => {
    const fields = schemaFields({
      $defs: {
        node: {
          type: "object",
          properties: {
            label: { type: "string" },
            children: { type: "array", items: { $ref: "#/$defs/node" } },
            parent: { $ref: "#/$defs/node" },
          },
        },
      },
      properties: { tree: { $ref: "#/$defs/node" }, self: { $ref: "#" } },
    });
    expect(fields.map((f) => f.path)).toEqual([
      "tree",
      "tree.label",
      "tree.children",
      "tree.parent",
      "self",
    ]);
    const rows = byPath(fields);
    expect(rows.get("tree.children")).toMatchObject({ itemType: "object" });
    expect(rows.get("tree.children")?.notes).toContain(
      "recursive: each item has the same fields as tree",
    );
    expect(rows.get("tree.parent")?.notes).toContain("recursive: has the same fields as tree");
    expect(rows.get("self")?.notes).toContain("recursive: has the same fields as the whole config");
  });

  it("handles type arrays, const, exclusive bounds and inferred types", () => {
    const rows = byPath(
      schemaFields({
        properties: {
          maybe: { type: ["string", "null"], maxLength: 1 },
          fixed: { const: 3 },
          level: { enum: ["low", "high"] },
          ratio: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1, multipleOf: 0.5 },
          old: { type: "number", minimum: 0, exclusiveMinimum: true },
          either: { anyOf: [{ type: "string" }, { type: "null" }] },
          anything: {},
          never: false,
        },
      }),
    );
    expect(rows.get("maybe")).toMatchObject({
      type: "string | null",
      constraints: ["at most 1 character"],
    });
    expect(rows.get("fixed")).toMatchObject({ type: "integer", hasConst: true, const: 3 });
    expect(rows.get("level")).toMatchObject({ type: "string", enum: ["low", "high"] });
    expect(rows.get("ratio")?.constraints).toEqual([
      "greater than 0",
      "less than 1",
      "multiple of 0.5",
    ]);
    expect(rows.get("old")?.constraints).toEqual(["greater than 0"]);
    expect(rows.get("either")?.type).toBe("string | null");
    expect(rows.get("anything")?.type).toBe("any");
    expect(rows.get("never")?.notes).toContain("never allowed");
  });

  it("merges allOf parts: required, properties and tighter limits", () => {
    const rows = byPath(
      schemaFields({
        allOf: [
          { properties: { n: { type: "integer", maximum: 10 } }, required: ["n"] },
          { properties: { n: { maximum: 5, minimum: 2 }, m: { type: "string" } } },
        ],
      }),
    );
    expect(rows.get("n")).toMatchObject({ required: true, constraints: ["2 to 5"] });
    expect(rows.get("m")?.required).toBe(false);
  });

  it("gives scalar items, nested arrays, tuples and maps their own rows", () => {
    const fields = schemaFields({
      properties: {
        tags: { type: "array", items: { type: "string", enum: ["a", "b"] }, uniqueItems: true },
        plain: { type: "array", items: { type: "string" } },
        matrix: { type: "array", items: { type: "array", items: { type: "number" } } },
        point: { type: "array", prefixItems: [{ type: "number" }, { type: "number" }] },
        labels: { type: "object", additionalProperties: { type: "string", maxLength: 3 } },
        "odd key": { type: "boolean" },
      },
    });
    expect(fields.map((f) => [f.path, f.depth])).toEqual([
      ["tags", 0],
      ["tags[]", 1],
      ["plain", 0],
      ["matrix", 0],
      ["matrix[]", 1],
      ["point", 0],
      ["point[0]", 1],
      ["point[1]", 1],
      ["labels", 0],
      ["labels.*", 1],
      ['["odd key"]', 0],
    ]);
    const rows = byPath(fields);
    expect(rows.get("tags")).toMatchObject({
      itemType: "string",
      constraints: ["no duplicate items"],
    });
    expect(rows.get("matrix[]")).toMatchObject({ type: "array", itemType: "number" });
  });
});
