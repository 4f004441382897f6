import path from "node:path";
import { describe, expect, it } from "vitest";
import { schemaFields } from "@/lib/schema/schema-fields";
import { workbookLayout } from "@/lib/spreadsheet/layout";
import { loadPipelineDefinitions } from "@/server/pipelines/load-pipeline-definitions";
import { readmeLines } from "./template-readme";

function subsampleSchema(): Record<string, unknown> {
  const { pipelines } = loadPipelineDefinitions([path.resolve("pipelines")]);
  const pipeline = pipelines.find((p) => p.name === "fastq-subsample");
  if (!pipeline) throw new Error("fastq-subsample was not loaded");
  return pipeline.schema;
}

describe("an nf-core-style schema's fields (fastq-subsample)", () => {
  const schema = subsampleSchema();

  it("are found through the $defs groups, with help_text and hidden", () => {
    const fields = new Map(schemaFields(schema).map((f) => [f.path, f]));
    expect([...fields.keys()]).toEqual([
      "input",
      "input[].sample",
      "input[].fastq_1",
      "input[].fastq_2",
      "input[].flowcell",
      "input[].lane",
      "project",
      "fraction",
      "seed",
      "pipeline",
      "compression_level",
    ]);
    expect(fields.get("seed")).toMatchObject({
      hidden: false,
      helpText: expect.stringContaining("same seed") as unknown,
    });
    expect(fields.get("pipeline")?.hidden).toBe(true);
    expect(fields.get("compression_level")?.hidden).toBe(true);
    expect(fields.get("input")?.required).toBe(true);
    expect(fields.get("input")?.constraints).toEqual([
      "1 to 1000 items",
      "no two items with the same sample",
      "each item: lane needs flowcell",
    ]);
  });

  it("hides what a hidden field holds", () => {
    const fields = schemaFields({
      type: "object",
      properties: {
        extra: { type: "object", hidden: true, properties: { a: { type: "string" } } },
        b: { type: "string" },
      },
    });
    expect(fields.map((f) => [f.path, f.hidden])).toEqual([
      ["extra", true],
      ["extra.a", true],
      ["b", false],
    ]);
  });

  it("become a Run sheet with the hidden fields last and an input list sheet", () => {
    const layout = workbookLayout(schema);
    expect(layout.fields.map((f) => f.header)).toEqual([
      "project",
      "fraction",
      "seed",
      "pipeline",
      "compression_level",
    ]);
    expect(layout.tables.map((t) => [t.sheet, t.columns.map((c) => c.header)])).toEqual([
      ["input", ["sample", "fastq_1", "fastq_2", "flowcell", "lane"]],
    ]);
  });

  it("are listed in the README with their help, the hidden ones under Advanced", () => {
    const lines = readmeLines(
      { name: "fastq-subsample", version: "1.0.0" },
      workbookLayout(schema),
    );
    const texts = lines.map((l) => l.text);
    const advanced = texts.findIndex((t) => t.startsWith("Advanced fields"));
    expect(advanced).toBeGreaterThan(0);
    const at = (prefix: string) => texts.findIndex((t) => t.startsWith(prefix));
    expect(at("Run / seed")).toBeLessThan(advanced);
    expect(at("Run / compression_level")).toBeGreaterThan(advanced);
    expect(texts[at("Run / seed")]).toContain("Change it for another, independent sub-sample.");
  });
});
