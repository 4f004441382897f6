import { describe, expect, it } from "vitest";
import { closestValues, editDistance } from "./closest-values";

describe("closestValues", () => {
  it("measures edits and gives up beyond the bound", () => {
    expect(editDistance("kitten", "sitting", 5)).toBe(3);
    expect(editDistance("a", "abcdef", 2)).toBe(3);
  });

  it("suggests the nearest values, case-insensitively, nearest first then in order", () => {
    const list = ["lab-00001", "lab-00002", "LAB-99999", "teaching"];
    expect(closestValues("lab-0001", list)).toEqual(["lab-00001", "lab-00002"]);
    expect(closestValues("lab-99999", list)).toEqual(["LAB-99999"]);
    expect(closestValues("zzz", list)).toEqual([]);
  });
});
