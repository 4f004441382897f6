import { describe, expect, it } from "vitest";
import { parseJson, pointerSegments, positionAt, toPointer } from "./parse-json";

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
