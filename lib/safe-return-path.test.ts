import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./safe-return-path";

describe("safeReturnPath", () => {
  it.each([
    ["/runs?status=running", "/runs?status=running"],
    ["/runs/01abc#log", "/runs/01abc#log"],
    ["/new?pipeline=hello%401.0.0", "/new?pipeline=hello%401.0.0"],
  ])("keeps %s", (value, expected) => expect(safeReturnPath(value)).toBe(expected));

  it.each([
    "//evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "/\\evil.com",
    "https://evil.com",
    "javascript:alert(1)",
    "",
    undefined,
  ])("refuses %j", (value) => expect(safeReturnPath(value)).toBe("/runs"));
});
