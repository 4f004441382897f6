import { describe, expect, it } from "vitest";
import { contentOf } from "./read-with-exceljs";

describe("contentOf (the exceljs reader the bench compares with)", () => {
  it("reduces exceljs cell values to text, numbers, booleans, dates or faults", () => {
    const date = new Date(Date.UTC(2024, 2, 1));
    expect(contentOf(null)).toBeNull();
    expect(contentOf("x")).toBe("x");
    expect(contentOf(3)).toBe(3);
    expect(contentOf(false)).toBe(false);
    expect(contentOf(date)).toBe(date);
    expect(contentOf({ richText: [{ text: "sam" }, { text: "ple1" }] })).toBe("sample1");
    expect(contentOf({ error: "#N/A" })).toEqual({
      fault: "the cell holds the error #N/A",
    });
    expect(contentOf({ formula: "1+1", result: 2 })).toBe(2);
    expect(contentOf({ formula: "A1" })).toEqual({
      fault: "the formula has no saved result: open the file, recalculate and save it",
    });
    expect(contentOf({ text: "site", hyperlink: "http://x" })).toBe("site");
  });
});
