import { describe, expect, it } from "vitest";
import { parseRunChange } from "./publish-run-change";

describe("parseRunChange", () => {
  it("reads the version before the first space and the JSON after it", () => {
    const body = { kind: "status", run: "01abc", userId: 7, status: "running" };
    expect(parseRunChange(`42 ${JSON.stringify(body)}`)).toEqual({ ...body, version: 42 });
  });

  it("refuses a message without a version or with broken JSON", () => {
    expect(parseRunChange('{"kind":"status"}')).toBeNull();
    expect(parseRunChange("x {}")).toBeNull();
    expect(parseRunChange("3 {not json")).toBeNull();
  });
});
