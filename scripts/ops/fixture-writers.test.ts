import { describe, expect, it } from "vitest";
import { probeWriters, writerPackages } from "./fixture-writers";

describe("writerPackages", () => {
  it("asks for the Debian package of each missing writer", () => {
    expect(writerPackages({ openpyxl: true, ssconvert: true })).toEqual([]);
    expect(writerPackages({ openpyxl: false, ssconvert: true })).toEqual(["python3-openpyxl"]);
    expect(writerPackages({ openpyxl: false, ssconvert: false })).toEqual([
      "python3-openpyxl",
      "gnumeric",
    ]);
  });

  it("probes this machine without throwing", () => {
    const found = probeWriters();
    expect(typeof found.openpyxl).toBe("boolean");
    expect(typeof found.ssconvert).toBe("boolean");
  });
});
