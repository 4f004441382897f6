import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testTempDir } from "./temp-dir";

describe("testTempDir", () => {
  let dir = "";

  it("makes a fresh folder for the test", () => {
    dir = testTempDir("probe");
    expect(path.basename(dir)).toMatch(/^runport-probe-/);
    expect(existsSync(dir)).toBe(true);
  });

  it("has removed it when that test ended", () => {
    expect(dir).not.toBe("");
    expect(existsSync(dir)).toBe(false);
  });

  it.fails("is removed when the test fails too", () => {
    dir = testTempDir("probe");
    throw new Error("the test fails");
  });

  it("has removed the failed test's folder", () => {
    expect(path.basename(dir)).toMatch(/^runport-probe-/);
    expect(existsSync(dir)).toBe(false);
  });
});
