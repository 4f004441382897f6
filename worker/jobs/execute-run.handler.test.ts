import { describe, expect, it } from "vitest";
import { unavailableRetryMs } from "./execute-run.handler";

describe("unavailableRetryMs", () => {
  it("backs off 1, 2, 4, 8 s, then stays at 15 s while MySQL does not answer", () => {
    expect([1, 2, 3, 4, 5, 10, 100].map(unavailableRetryMs)).toEqual([
      1000, 2000, 4000, 8000, 15_000, 15_000, 15_000,
    ]);
  });
});
