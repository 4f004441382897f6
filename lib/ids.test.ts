import { describe, expect, it } from "vitest";
import { isRunId, newRunId } from "./ids";

describe("run ids", () => {
  it("are 26 lowercase Crockford characters that sort by time", () => {
    const a = newRunId(1_700_000_000_000);
    const b = newRunId(1_700_000_000_001);
    expect(isRunId(a) && isRunId(b)).toBe(true);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newRunId())).size).toBe(1000);
    expect(isRunId("../../etc/passwd")).toBe(false);
  });
});
