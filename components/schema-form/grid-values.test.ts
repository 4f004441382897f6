import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  applyGridChanges,
  blockFields,
  canShowAsGrid,
  escapePointerToken,
  gridColumns,
  moveFor,
  planPaste,
  readGridErrors,
  textToValue,
  valueToText,
} from "./grid-values";

const fastqQc = JSON.parse(readFileSync("pipelines/fastq-qc/schema.json", "utf8")) as {
  properties: { dataFiles: { items: Record<string, unknown> } };
};
const dataFile = fastqQc.properties.dataFiles.items;
const columns = gridColumns(dataFile);
const column = (name: string) => columns.find((entry) => entry.name === name)!;

describe("canShowAsGrid", () => {
  it("accepts flat items of scalars, enums and nullable types", () => {
    expect(canShowAsGrid(dataFile)).toBe(true);
    expect(
      canShowAsGrid({
        type: "object",
        properties: {
          a: { type: ["string", "null"] },
          b: { enum: ["x", 1, null] },
          c: { const: 2 },
        },
      }),
    ).toBe(true);
  });

  it("refuses nested values, untyped properties, and items that are not objects", () => {
    expect(canShowAsGrid({ properties: { a: { type: "object" } } })).toBe(false);
    expect(canShowAsGrid({ properties: { a: { type: ["array", "string"] } } })).toBe(false);
    expect(canShowAsGrid({ properties: { a: {} } })).toBe(false);
    expect(canShowAsGrid({ properties: { a: { enum: [{ x: 1 }] } } })).toBe(false);
    expect(canShowAsGrid({ properties: {} })).toBe(false);
    expect(canShowAsGrid({ type: "string" })).toBe(false);
    expect(canShowAsGrid({ type: "array", properties: { a: { type: "string" } } })).toBe(false);
  });
});

describe("gridColumns", () => {
  it("has the item's properties in schema order, with titles and required marks", () => {
    expect(columns.slice(0, 3).map((entry) => [entry.name, entry.title, entry.required])).toEqual([
      ["fastqPath", "FASTQ path", true],
      ["fastqCode", "Read", true],
      ["sampleName", "Sample name", true],
    ]);
    expect(column("rgpl").required).toBe(false);
    expect(column("fastqCode").options).toEqual(["R1", "R2"]);
    expect(column("fastqPath").width).toBeGreaterThan(column("lane").width);
  });
});

describe("textToValue", () => {
  it("converts per column type", () => {
    expect(textToValue("42", column("numberOfReads"))).toBe(42);
    expect(textToValue(" 42 ", column("numberOfReads"))).toBe(42);
    expect(textToValue("3", column("lane"))).toBe(3); // integer or string: a number when it is one
    expect(textToValue("L001", column("lane"))).toBe("L001");
    expect(textToValue("R2", column("fastqCode"))).toBe("R2");
    expect(textToValue("sample 1", column("sampleName"))).toBe("sample 1");
    expect(textToValue("0.5", { types: new Set(["number"]) })).toBe(0.5);
    expect(textToValue("-1e3", { types: new Set(["number"]) })).toBe(-1000);
  });

  it("reads booleans from true/false, yes/no, 1/0", () => {
    const flag = { types: new Set(["boolean"]) };
    for (const text of ["true", "TRUE", "yes", "Yes", "1"])
      expect(textToValue(text, flag)).toBe(true);
    for (const text of ["false", "no", "NO", "0"]) expect(textToValue(text, flag)).toBe(false);
  });

  it("takes the exact enum value, booleans before their text", () => {
    // umiInLine: enum [true, false, "true", "false"]
    expect(textToValue("true", column("umiInLine"))).toBe(true);
    expect(textToValue("false", column("umiInLine"))).toBe(false);
    expect(textToValue(" R1 ", column("fastqCode"))).toBe("R1");
    expect(textToValue("null", { types: new Set(["null"]), options: [null, 1] })).toBe(null);
  });

  it("keeps text that does not convert, so the validator reports it at the cell", () => {
    expect(textToValue("many", column("numberOfReads"))).toBe("many");
    expect(textToValue("1.5", column("numberOfReads"))).toBe("1.5");
    expect(textToValue("9007199254740993", column("numberOfReads"))).toBe("9007199254740993");
    expect(textToValue("R3", column("fastqCode"))).toBe("R3");
    expect(textToValue("maybe", { types: new Set(["boolean"]) })).toBe("maybe");
  });

  it("makes an emptied cell remove the property", () => {
    expect(textToValue("", column("sampleName"))).toBeUndefined();
    expect(textToValue("", column("numberOfReads"))).toBeUndefined();
  });
});

describe("valueToText and pointers", () => {
  it("shows values as text", () => {
    expect([undefined, null, "a", 3, false, [1]].map(valueToText)).toEqual([
      "",
      "null",
      "a",
      "3",
      "false",
      "[1]",
    ]);
    expect(escapePointerToken("a/b~c")).toBe("a~1b~0c");
  });
});

describe("planPaste", () => {
  const three = columns.slice(0, 3);
  const value = [
    { fastqPath: "a.fq", fastqCode: "R1", sampleName: "s1" },
    { fastqPath: "b.fq", fastqCode: "R2", sampleName: "s1" },
  ];

  it("sets cells from the focused one, leaves unchanged cells out, appends the rest", () => {
    const plan = planPaste({
      value,
      columns: three,
      row: 1,
      column: 1,
      fields: [
        ["R2", "s2"],
        ["R1", ""],
        ["R2", "s3"],
      ],
    });
    expect(plan.changes).toEqual([
      { kind: "set", row: 1, column: "sampleName", value: "s2" },
      {
        kind: "splice",
        start: 2,
        deleteCount: 0,
        items: [{ fastqCode: "R1" }, { fastqCode: "R2", sampleName: "s3" }],
      },
    ]);
    expect([plan.rows, plan.columns, plan.droppedRows, plan.droppedColumns]).toEqual([3, 2, 0, 0]);
  });

  it("stops at maxItems and at the last column, and says how much it left out", () => {
    const plan = planPaste({
      value,
      columns: three,
      row: 0,
      column: 2,
      fields: [["x", "extra"], ["y"], ["z"], ["w"]],
      maxItems: 3,
    });
    expect(plan.changes).toEqual([
      { kind: "set", row: 0, column: "sampleName", value: "x" },
      { kind: "set", row: 1, column: "sampleName", value: "y" },
      { kind: "splice", start: 2, deleteCount: 0, items: [{ sampleName: "z" }] },
    ]);
    expect([plan.rows, plan.droppedRows, plan.droppedColumns]).toEqual([3, 1, 1]);
  });

  it("empties cells with empty fields, and leaves cells of a short (ragged) row alone", () => {
    const plan = planPaste({
      value,
      columns: three,
      row: 0,
      column: 0,
      fields: [["", "R2"], ["c.fq"]],
    });
    expect(plan.changes).toEqual([
      { kind: "set", row: 0, column: "fastqPath", value: undefined },
      { kind: "set", row: 0, column: "fastqCode", value: "R2" },
      { kind: "set", row: 1, column: "fastqPath", value: "c.fq" },
    ]);
  });

  it("sets cells of items that are not objects (the validator reports the row)", () => {
    const plan = planPaste({
      value: ["junk"],
      columns: three,
      row: 0,
      column: 0,
      fields: [["a.fq"]],
    });
    expect(plan.changes).toEqual([{ kind: "set", row: 0, column: "fastqPath", value: "a.fq" }]);
  });
});

describe("applyGridChanges", () => {
  it("sets, removes and splices without touching the array it was given", () => {
    const value = [{ a: 1, b: 2 }, "junk", { a: 3 }];
    const next = applyGridChanges(value, [
      { kind: "set", row: 0, column: "b", value: undefined },
      { kind: "set", row: 1, column: "a", value: "x" },
      { kind: "splice", start: 2, deleteCount: 1, items: [{ a: 4 }, { a: 5 }] },
    ]);
    expect(next).toEqual([{ a: 1 }, { a: "x" }, { a: 4 }, { a: 5 }]);
    expect(value).toEqual([{ a: 1, b: 2 }, "junk", { a: 3 }]);
  });
});

describe("readGridErrors and blockFields", () => {
  it("sorts the validator's messages into cells, rows and a reading order", () => {
    const found = readGridErrors(
      new Map([
        ["/dataFiles/7/sampleName", "must match pattern"],
        ["/dataFiles/3", "must be object"],
        ["/dataFiles/3/extra", "must NOT have additional properties"],
        ["/dataFiles/1/fastqCode", "must be equal to one of the allowed values"],
        ["/other/1", "not ours"],
        ["/dataFiles", "must NOT have more than 3 items"],
      ]),
      "/dataFiles",
      columns,
    );
    expect(found.places).toEqual([
      { row: 1, col: 1 },
      { row: 3, col: -1 },
      { row: 3, col: -1 },
      { row: 7, col: 2 },
    ]);
    expect([...found.byRow]).toEqual([
      [3, ["must be object", "extra: must NOT have additional properties"]],
    ]);
  });

  it("reads a block of cells as texts, within the array", () => {
    const value = [{ fastqPath: "a.fq", fastqCode: "R1" }, "junk", { numberOfReads: 5 }];
    expect(blockFields(value, columns, { top: 0, bottom: 5, left: 0, right: 1 })).toEqual([
      ["a.fq", "R1"],
      ["", ""],
      ["", ""],
    ]);
    const reads = columns.findIndex((entry) => entry.name === "numberOfReads");
    expect(blockFields(value, columns, { top: 2, bottom: 2, left: reads, right: reads })).toEqual([
      ["5"],
    ]);
  });
});

describe("moveFor", () => {
  it("moves like a spreadsheet, leaving clamping to the grid", () => {
    const grid = { lastRow: 99, lastCol: 9, pageRows: 12 };
    const at = { row: 5, col: 3 };
    const moves = (ctrl: boolean) =>
      ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"].map(
        (key) => moveFor(key, ctrl, at, grid),
      );
    expect(moves(false)).toEqual([
      { row: 4, col: 3 },
      { row: 6, col: 3 },
      { row: 5, col: 2 },
      { row: 5, col: 4 },
      { row: 5, col: 0 },
      { row: 5, col: 9 },
      { row: -7, col: 3 },
      { row: 17, col: 3 },
    ]);
    expect(moves(true).slice(0, 6)).toEqual([
      { row: 0, col: 3 },
      { row: 99, col: 3 },
      { row: 5, col: 0 },
      { row: 5, col: 9 },
      { row: 0, col: 0 },
      { row: 99, col: 9 },
    ]);
    expect(moveFor("a", false, at, grid)).toBeNull();
  });
});
