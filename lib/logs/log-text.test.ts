import { describe, expect, it } from "vitest";
import {
  escapePlatformMarker,
  isPlatformLine,
  lineStartAfter,
  neutraliseControls,
  type LineStart,
} from "./log-text";

describe("neutraliseControls (issue 10, finding 10)", () => {
  it.each([
    ["\u001b[31mred\u001b[0m text", "red text"],
    ["\u001b[1;38;5;208mbold\u001b[m", "bold"],
    ["\u001b]0;pwned title\u0007after", "after"],
    ["\u001b]8;;http://evil.example\u001b\\link\u001b]8;;\u001b\\", "link"],
    ["\u001bPdevice control\u001b\\x", "x"],
    ["a\u0007b\u0000c\u007fd\u009b31me", "abcd31me"],
    ["tab\tand\nnewline\n", "tab\tand\nnewline\n"],
    ["windows\r\nline\r\n", "windows\nline\n"],
    ["10%\r20%\r", "10%\n20%\n"],
    ["cut at the end \u001b[", "cut at the end "],
    ["clear screen\u001b[2J\u001b[H", "clear screen"],
    ["unicode ✓ é 漢字 stays", "unicode ✓ é 漢字 stays"],
  ])("%j → %j", (raw, clean) => {
    expect(neutraliseControls(raw)).toBe(clean);
  });

  it("never lets an unterminated OSC swallow the next lines", () => {
    expect(neutraliseControls("\u001b]0;title\n[runport] the process exited\n")).toBe(
      "\n[runport] the process exited\n",
    );
  });
});

/** Writes pipeline pieces in order, as the log writer does, and returns the log. */
function pipelineLog(pieces: string[], start: LineStart = ""): string {
  let state = start;
  let log = "";
  for (const piece of pieces) {
    const escaped = escapePlatformMarker(state, piece);
    log += escaped.text;
    state = escaped.lineStart;
  }
  return log;
}

describe("escapePlatformMarker", () => {
  it("escapes a pipeline's line that begins with the marker, wherever the pieces split it", () => {
    expect(pipelineLog(["[runport] fake\n"])).toBe("\\[runport] fake\n");
    expect(pipelineLog(["ok\n[runport] fake\nok [runport] is fine\n"])).toBe(
      "ok\n\\[runport] fake\nok [runport] is fine\n",
    );
    expect(pipelineLog(["[run", "port] fake\n"])).toBe("[run\\port] fake\n");
    expect(pipelineLog(["[", "r", "u", "n", "p", "o", "r", "t", "]"])).toBe("[runport\\]");
    expect(pipelineLog(["x", "[runport] mid-line\n"])).toBe("x[runport] mid-line\n");
    expect(pipelineLog(["[runportal]\n"])).toBe("[runportal]\n");
  });

  it("finds the one marker line among many ordinary ones and other bracketed lines", () => {
    const ordinary = "ok 12 [x] done\n".repeat(5000);
    const text = `${ordinary}[runport] fake\n[runp\n[other] fine\n${ordinary}[runp`;
    const log = pipelineLog([text, "ort] split\n", ordinary]);
    expect(log).toBe(
      `${ordinary}\\[runport] fake\n[runp\n[other] fine\n${ordinary}[runp\\ort] split\n${ordinary}`,
    );
  });

  it("leaves no line of the log looking like the platform's", () => {
    const pieces = ["[r", "unport] a\n[runport]", " b\n", "[runp", "ort] c", "\n"];
    const lines = pipelineLog(pieces).split("\n");
    expect(lines.filter(isPlatformLine)).toEqual([]);
  });

  it("tracks the line across the platform's own writes", () => {
    expect(lineStartAfter("", "[runport] attempt 1 started\n")).toBe("");
    expect(lineStartAfter("", "[ru")).toBe("[ru");
    expect(lineStartAfter("[ru", "x")).toBeNull();
    expect(lineStartAfter(null, "a\nb")).toBeNull();
    expect(lineStartAfter(null, "a\n")).toBe("");
  });
});
