import { describe, expect, it } from "vitest";
import { parseProgressLine } from "./record-progress";

describe("the progress protocol", () => {
  it.each([
    ["::progress 40 Counting reads", { percent: 40, message: "Counting reads" }],
    ["::progress 12.5%", { percent: 12.5, message: null }],
    ["::progress 250 too much", { percent: 100, message: "too much" }],
    ["::progress 7 trailing space   \r", { percent: 7, message: "trailing space" }],
  ])("reads %j", (line, progress) => expect(parseProgressLine(line)).toEqual(progress));

  it.each(["progress 40", "::progress", "::progress x", " ::progress 4"])("ignores %j", (line) => {
    expect(parseProgressLine(line)).toBeNull();
  });
});
