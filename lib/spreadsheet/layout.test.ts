import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  LISTS_SHEET,
  META_SHEET,
  README_SHEET,
  RUN_SHEET,
  typeLabel,
  workbookLayout,
  type TableLayout,
} from "./layout";

function shippedSchema(pipeline: string): Record<string, unknown> {
  const file = path.join(import.meta.dirname, "../../pipelines", pipeline, "schema.json");
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

/** A schema whose top-level properties are arrays of objects with one string property. */
function tablesNamed(...names: string[]): Record<string, unknown> {
  const table = { type: "array", items: { type: "object", properties: { v: { type: "string" } } } };
  return { type: "object", properties: Object.fromEntries(names.map((n) => [n, table])) };
}

function sheetNames(tables: TableLayout[]): string[] {
  return tables.map((t) => t.sheet);
}

describe("workbookLayout of fastq-qc", () => {
  const layout = workbookLayout(shippedSchema("fastq-qc"));

  it("puts the top-level scalars on the Run sheet in schema order", () => {
    expect(
      layout.fields.slice(0, 6).map((f) => ({
        key: f.key,
        header: f.header,
        kind: f.kind,
        required: f.field.required,
      })),
    ).toEqual([
      { key: ["pipeline"], header: "pipeline", kind: "string", required: true },
      { key: ["project"], header: "project", kind: "string", required: true },
      { key: ["study"], header: "study", kind: "string", required: true },
      { key: ["email"], header: "email", kind: "string", required: true },
      { key: ["description"], header: "description", kind: "string", required: false },
      { key: ["minQuality"], header: "minQuality", kind: "integer", required: false },
    ]);
    // Then the old portal's fields, all optional; `tasks` (an object of booleans) has no cell.
    const rest = layout.fields.slice(6);
    expect(rest.map((f) => f.header)).toEqual([
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
    ]);
    expect(rest.every((f) => !f.field.required)).toBe(true);
    expect(layout.fields.every((f) => f.list === undefined)).toBe(true);
  });

  it("gives dataFiles one sheet: its seven columns, then the old portal's optional ones", () => {
    expect(layout.tables).toHaveLength(1);
    const table = layout.tables[0]!;
    expect(table.property).toBe("dataFiles");
    expect(table.sheet).toBe("dataFiles");
    expect(table.field.required).toBe(true);
    expect(
      table.columns
        .slice(0, 7)
        .map((c) => [c.header, c.key, c.kind, c.field.required, c.field.enum]),
    ).toEqual([
      ["fastqPath", ["fastqPath"], "string", true, undefined],
      ["fastqCode", ["fastqCode"], "string", true, ["R1", "R2"]],
      ["sampleName", ["sampleName"], "string", true, undefined],
      ["rgsm", ["rgsm"], "string", true, undefined],
      ["rglb", ["rglb"], "string", true, undefined],
      ["rgpu", ["rgpu"], "string", true, undefined],
      ["rgpl", ["rgpl"], "string", false, ["ILLUMINA", "ONT", "PACBIO", "ELEMENT", "ULTIMA"]],
    ]);
    const rest = table.columns.slice(7);
    expect(rest).toHaveLength(26);
    expect(rest.every((c) => !c.field.required)).toBe(true);
    expect(rest.find((c) => c.header === "numberOfReads")?.kind).toBe("integer");
  });

  it("skips nothing", () => {
    expect(layout.skipped).toEqual([]);
  });
});

describe("workbookLayout of hello", () => {
  it("has only Run fields with the number kinds of the schema", () => {
    const layout = workbookLayout(shippedSchema("hello"));
    expect(layout.tables).toEqual([]);
    expect(layout.skipped).toEqual([]);
    expect(layout.fields.map((f) => [f.header, f.kind, f.field.required])).toEqual([
      ["name", "string", true],
      ["greeting", "string", false],
      ["sleepSeconds", "number", false],
      ["steps", "integer", false],
      ["exitCode", "integer", false],
      ["lines", "integer", false],
      ["pipeline", "string", false],
      ["project", "string", false],
    ]);
  });
});

describe("workbookLayout: nesting", () => {
  it("lays out the leaves of nested objects as outer.inner rows", () => {
    const layout = workbookLayout({
      type: "object",
      properties: {
        outer: {
          type: "object",
          required: ["inner"],
          properties: {
            inner: { type: "integer" },
            deeper: { type: "object", properties: { flag: { type: "boolean" } } },
          },
        },
      },
    });
    expect(layout.fields.map((f) => [f.key, f.header, f.kind, f.field.required])).toEqual([
      [["outer", "inner"], "outer.inner", "integer", true],
      [["outer", "deeper", "flag"], "outer.deeper.flag", "boolean", false],
    ]);
  });

  it("lays out nested objects inside table items as dotted columns", () => {
    const layout = workbookLayout({
      type: "object",
      properties: {
        samples: {
          type: "array",
          items: {
            type: "object",
            properties: {
              name: { type: "string" },
              reads: { type: "object", properties: { count: { type: "integer" } } },
            },
          },
        },
      },
    });
    expect(layout.tables[0]!.columns.map((c) => [c.key, c.header, c.kind])).toEqual([
      [["name"], "name", "string"],
      [["reads", "count"], "reads.count", "integer"],
    ]);
  });

  it("puts an array of scalars in one cell as a list of its item kind", () => {
    const layout = workbookLayout({
      type: "object",
      properties: {
        tags: { type: "array", items: { type: "string" } },
        lanes: { type: ["array", "null"], items: { type: "integer" } },
        items: {
          type: "array",
          items: {
            type: "object",
            properties: { flags: { type: "array", items: { type: "boolean" } } },
          },
        },
      },
    });
    expect(layout.fields.map((f) => [f.header, f.kind, f.list])).toEqual([
      ["tags", "string", "string"],
      ["lanes", "string", "integer"],
    ]);
    expect(typeLabel(layout.fields[1]!)).toBe("list of integer values, comma-separated");
    expect(layout.tables[0]!.columns.map((c) => [c.header, c.kind, c.list])).toEqual([
      ["flags", "string", "boolean"],
    ]);
  });

  it("lists arrays of objects below the top level as skipped", () => {
    const layout = workbookLayout({
      type: "object",
      properties: {
        outer: {
          type: "object",
          properties: {
            keep: { type: "string" },
            runs: {
              type: "array",
              items: { type: "object", properties: { a: { type: "string" } } },
            },
          },
        },
        samples: {
          type: "array",
          items: {
            type: "object",
            properties: {
              name: { type: "string" },
              files: {
                type: "array",
                items: { type: "object", properties: { path: { type: "string" } } },
              },
            },
          },
        },
        matrix: { type: "array", items: { type: "array", items: { type: "number" } } },
      },
    });
    expect(layout.fields.map((f) => f.header)).toEqual(["outer.keep"]);
    expect(layout.tables.map((t) => [t.property, t.columns.map((c) => c.header)])).toEqual([
      ["samples", ["name"]],
    ]);
    expect(layout.skipped).toEqual(["outer.runs", "samples[].files", "matrix"]);
  });

  it("gives dates, date-times and untyped fields their kinds", () => {
    const layout = workbookLayout({
      type: "object",
      properties: {
        day: { type: "string", format: "date" },
        at: { type: "string", format: "date-time" },
        mail: { type: "string", format: "email" },
        maybe: { type: ["integer", "null"] },
        anything: {},
      },
    });
    expect(layout.fields.map((f) => [f.header, f.kind])).toEqual([
      ["day", "date"],
      ["at", "date-time"],
      ["mail", "string"],
      ["maybe", "integer"],
      ["anything", "any"],
    ]);
    expect(layout.fields.map(typeLabel)).toEqual([
      "date (YYYY-MM-DD)",
      "date and time (ISO 8601)",
      "text",
      "whole number",
      "any value",
    ]);
  });
});

describe("workbookLayout: sheet names", () => {
  it("replaces the characters Excel forbids in sheet names", () => {
    const layout = workbookLayout(tablesNamed("a/b:c*d?e[f]g\\h"));
    expect(layout.tables[0]!.property).toBe("a/b:c*d?e[f]g\\h");
    expect(layout.tables[0]!.sheet).toBe("a_b_c_d_e_f_g_h");
  });

  it("keeps names within Excel's 31 characters, even with a suffix", () => {
    const long = "abcdefghijklmnopqrstuvwxyz0123456789";
    const clash = "abcdefghijklmnopqrstuvwxyz01XYZ";
    const names = sheetNames(workbookLayout(tablesNamed(long, clash)).tables);
    expect(names).toEqual(["abcdefghijklmnopqrstuvwxyz01", "abcdefghijklmnopqrstuvwxyz01_2"]);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(31);
  });

  it("avoids the reserved sheet names whatever their case", () => {
    const names = sheetNames(
      workbookLayout(tablesNamed(RUN_SHEET, "readme", META_SHEET, "RUN_2", LISTS_SHEET)).tables,
    );
    expect(names).toEqual(["Run_2", "readme_2", "_runport_2", "RUN_2_2", "_lists_2"]);
    const reserved = [RUN_SHEET, README_SHEET, META_SHEET, LISTS_SHEET].map((n) => n.toLowerCase());
    for (const name of names) expect(reserved).not.toContain(name.toLowerCase());
  });

  it("avoids Excel's reserved History and quotes at either end of a name", () => {
    expect(sheetNames(workbookLayout(tablesNamed("History", "'notes'")).tables)).toEqual([
      "History_2",
      "notes",
    ]);
  });

  it("gives sheets whose names clash after sanitising distinct names", () => {
    const names = sheetNames(workbookLayout(tablesNamed("a/b", "a_b", "A:B")).tables);
    expect(names).toEqual(["a_b", "a_b_2", "A_B_3"]);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(3);
  });
});
