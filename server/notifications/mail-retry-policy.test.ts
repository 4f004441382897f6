import { describe, expect, it } from "vitest";
import { isSafeToRetry, retryDelayMs } from "./mail-retry-policy";

describe("the mail retry policy", () => {
  it("tries again only when nothing can have been delivered", () => {
    expect(isSafeToRetry({ code: "ESOCKET", command: "CONN" })).toBe(true);
    expect(isSafeToRetry({ code: "EENVELOPE", responseCode: 451, command: "RCPT TO" })).toBe(true);
    expect(isSafeToRetry({ code: "EMESSAGE", responseCode: 550, command: "DATA" })).toBe(false);
    expect(isSafeToRetry({ code: "ETIMEDOUT", command: "DATA" })).toBe(false);
  });

  it("waits 30 s, doubling to at most 30 min, with at most 20 % jitter", () => {
    for (const [attempts, base] of [
      [1, 30_000],
      [2, 60_000],
      [7, 1_800_000],
      [20, 1_800_000],
    ] as const) {
      const delay = retryDelayMs(attempts);
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(base * 1.2);
    }
  });
});
