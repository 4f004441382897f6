import { describe, expect, it } from "vitest";
import { describeCron } from "./describe-cron";

describe("describeCron", () => {
  it.each([
    ["* * * * *", "every minute"],
    ["*/15 * * * *", "every 15 minutes"],
    ["5 * * * *", "every hour at minute 5"],
    ["0 */6 * * *", "every 6 hours at minute 0"],
    ["0 9 * * *", "at 09:00 every day"],
    ["30 9,17 * * *", "at 09:30 and 17:30 every day"],
    ["0 9 * * 1-5", "at 09:00 on Monday to Friday"],
    ["0 9 * * mon-fri", "at 09:00 on Monday to Friday"],
    ["0 8 * * sat,7", "at 08:00 on Saturday and Sunday"],
    ["0 2 1 * *", "at 02:00 on day 1 of the month"],
    ["0 2 1,15 jan *", "at 02:00 on days 1 and 15 of the month in January"],
    ["*/10 9-17 * * 1-5", "every 10 minutes during hour 09 to 17 on Monday to Friday"],
  ])("%s → %s", (expression, words) => {
    expect(describeCron(expression)).toBe(words);
  });

  it("gives null for shapes it does not describe", () => {
    expect(describeCron("0 9 L * *")).toBeNull();
    expect(describeCron("1-5/2 * * * *")).toBeNull();
    expect(describeCron("0 9 * *")).toBeNull();
    expect(describeCron("0 25 * * *")).toBeNull();
    expect(describeCron("0 9 * * 5-1")).toBeNull();
  });
});
