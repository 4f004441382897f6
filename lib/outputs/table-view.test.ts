import { describe, expect, it } from "vitest";
import { isNumericColumn, viewRows } from "./table-view";

const rows = [
  ["s10", "9", "ok"],
  ["s2", "10", ""],
  ["S1", "", "Low GC"],
  ["s3", "-1.5", "ok"],
];

describe("viewRows", () => {
  it("sorts numbers as numbers, text naturally, empty cells last in both directions", () => {
    const by = (sortColumn: number, descending = false) =>
      viewRows(rows, { filter: "", sortColumn, descending }).map((r) => r[0]);
    expect(isNumericColumn(rows, 1)).toBe(true);
    expect(isNumericColumn(rows, 0)).toBe(false);
    expect(by(1)).toEqual(["s3", "s10", "s2", "S1"]);
    expect(by(1, true)).toEqual(["s2", "s10", "s3", "S1"]);
    expect(by(0)).toEqual(["S1", "s2", "s3", "s10"]);
  });

  it("filters on any cell, case aside, and leaves the input alone", () => {
    const kept = viewRows(rows, { filter: " low ", sortColumn: null, descending: false });
    expect(kept).toEqual([["S1", "", "Low GC"]]);
    expect(rows[0]).toEqual(["s10", "9", "ok"]);
  });
});
