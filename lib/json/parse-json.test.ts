import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, parseJson, pointerSegments, positionAt, toPointer } from "./parse-json";

describe("parseJson", () => {
  it("parses valid JSON", () => {
    expect(parseJson('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });

  it.each([
    ['{\n  "a": 1,\n}', 3, 1, "Expected a property name in double quotes"],
    ['{"a": 1 "b": 2}', 1, 9, "Expected ',' or a closing bracket"],
    ['{"a": tru}', 1, 7, "Unexpected character"],
    ["{\"a\": 'x'}", 1, 7, "Unexpected character"],
    ['{"a": 1} extra', 1, 10, "Unexpected text after the end of the JSON document"],
    ['{"a": [1, 2}', 1, 12, "Expected ',' or a closing bracket"],
    ['{"a": 1 // c\n}', 1, 9, "Comments are not allowed in JSON"],
    ["   ", 1, 1, "The document is empty"],
  ])("reports %j at line %i column %i", (text, line, column, message) => {
    const result = parseJson(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toBe(message);
      expect(result.position).toMatchObject({ line, column });
    }
  });
});

describe("pointers", () => {
  it("escapes pointer segments", () => {
    expect(toPointer(["a/b", "c~d", 0])).toBe("/a~1b/c~0d/0");
    expect(pointerSegments("/a~1b/c~0d/0")).toEqual(["a/b", "c~d", "0"]);
    expect(positionAt("ab\ncd", 4)).toEqual({ offset: 4, line: 2, column: 2 });
  });
});

describe("deeply nested documents (issue 10, finding 5)", () => {
  it("are refused with the place where they go too deep, malformed or not, without throwing", () => {
    const malformed = "[".repeat(200_000);
    const result = parseJson(malformed);
    expect(result).toMatchObject({ ok: false, position: { line: 1, column: MAX_JSON_DEPTH + 1 } });
    const tooDeep = `{"a": ${"[".repeat(MAX_JSON_DEPTH)}1${"]".repeat(MAX_JSON_DEPTH)}}`;
    expect(parseJson(tooDeep)).toMatchObject({
      ok: false,
      message: expect.stringContaining(`deeper than ${MAX_JSON_DEPTH} levels`) as unknown,
      position: { column: 6 + MAX_JSON_DEPTH }, // the braces count too
    });
  });

  it("accept the deepest allowed, and do not count brackets inside strings", () => {
    const deepest = `${"[".repeat(MAX_JSON_DEPTH)}1${"]".repeat(MAX_JSON_DEPTH)}`;
    expect(parseJson(deepest).ok).toBe(true);
    const brackets = JSON.stringify({ text: `${"[{".repeat(100)} " [[` });
    expect(parseJson(brackets)).toEqual({ ok: true, value: JSON.parse(brackets) as unknown });
  });
});
