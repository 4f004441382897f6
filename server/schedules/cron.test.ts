import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { checkCronExpression, checkTimeZone, latestFireAtOrBefore, nextFireAfter } from "./cron";

function problemOf(run: () => unknown): { path: string; message: string } | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("VALIDATION_FAILED");
    return (error as AppError).errors?.[0];
  }
  throw new Error("expected a validation error");
}

describe("cron expressions", () => {
  it("accepts five standard fields and normalizes spaces", () => {
    expect(checkCronExpression("  */15   9-17 * * mon-fri ")).toBe("*/15 9-17 * * mon-fri");
    expect(checkCronExpression("0 0 1 jan,jul *")).toBe("0 0 1 jan,jul *");
  });

  it("names the field at fault", () => {
    expect(problemOf(() => checkCronExpression("61 * * * *"))).toEqual({
      path: "/cron",
      message: expect.stringContaining('the minute field "61"') as string,
    });
    expect(problemOf(() => checkCronExpression("0 25 * * *"))?.message).toContain("hour field");
    expect(problemOf(() => checkCronExpression("0 0 32 * *"))?.message).toContain(
      "day-of-month field",
    );
    expect(problemOf(() => checkCronExpression("0 0 * 13 *"))?.message).toContain("month field");
    expect(problemOf(() => checkCronExpression("0 0 * * funday"))?.message).toContain(
      "day-of-week field",
    );
    expect(problemOf(() => checkCronExpression("H * * * *"))?.message).toContain("H (hashed)");
  });

  it("wants exactly five fields, and dates that exist", () => {
    expect(problemOf(() => checkCronExpression("0 0 * * * *"))?.message).toBe(
      "must have 5 fields (minute hour day-of-month month day-of-week), not 6",
    );
    expect(problemOf(() => checkCronExpression(""))?.message).toContain("not 0");
    expect(problemOf(() => checkCronExpression("0 0 30 2 *"))?.message).toContain("never match");
  });
});

describe("time zones", () => {
  it("accepts IANA names and fixes their case", () => {
    expect(checkTimeZone("UTC")).toBe("UTC");
    expect(checkTimeZone("europe/paris")).toBe("Europe/Paris");
  });

  it("refuses unknown names and offsets", () => {
    expect(problemOf(() => checkTimeZone("Mars/Olympus"))?.path).toBe("/timeZone");
    expect(problemOf(() => checkTimeZone("+02:00"))?.path).toBe("/timeZone");
  });
});

describe("fire times", () => {
  it("computes fires in the schedule's time zone, across daylight saving time", () => {
    const at = new Date("2025-03-29T12:00:00Z");
    // 09:00 in Paris is 08:00 UTC in winter, 07:00 UTC in summer (from March 30th).
    expect(nextFireAfter("0 9 * * *", "Europe/Paris", at)?.toISOString()).toBe(
      "2025-03-30T07:00:00.000Z",
    );
    expect(nextFireAfter("0 9 * * *", "UTC", at)?.toISOString()).toBe("2025-03-30T09:00:00.000Z");
  });

  it("is strictly after for the next fire, and inclusive for the latest", () => {
    const fire = new Date("2025-01-01T10:00:00Z");
    expect(nextFireAfter("0 * * * *", "UTC", fire)?.toISOString()).toBe("2025-01-01T11:00:00.000Z");
    expect(latestFireAtOrBefore("0 * * * *", "UTC", fire)?.toISOString()).toBe(fire.toISOString());
    expect(
      latestFireAtOrBefore("0 * * * *", "UTC", new Date("2025-01-01T10:59:59Z"))?.toISOString(),
    ).toBe(fire.toISOString());
  });
});
