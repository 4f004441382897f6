import { describe, expect, it } from "vitest";
import {
  MAX_JSON_DEPTH,
  MAX_JSON_OBJECT_KEYS,
  MAX_JSON_VALUES,
  parseJson,
  pointerSegments,
  positionAt,
  toPointer,
} from "./parse-json";

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

/** `{"k0":0,"k1":1,…}` with `keys` keys. */
const wideObject = (keys: number) =>
  `{${Array.from({ length: keys }, (_, i) => `"k${i}":${i}`).join(",")}}`;

describe("wide documents (issue 10, finding 5)", () => {
  it("refuse an object with too many keys at the first key over the limit", () => {
    const text = wideObject(100_000);
    const started = performance.now();
    const result = parseJson(text);
    expect(performance.now() - started).toBeLessThan(1000); // stops at the limit; no parse
    const over = text.indexOf(`"k${MAX_JSON_OBJECT_KEYS}"`);
    expect(result).toEqual({
      ok: false,
      message: `An object has more than ${MAX_JSON_OBJECT_KEYS.toLocaleString("en")} properties`,
      position: positionAt(text, over),
    });
  });

  it("refuse a document with too many values in all, however they are spread", () => {
    const row = `[${Array.from({ length: 1000 }, () => "1").join(",")}]`;
    const text = `{"samples": [${Array.from({ length: 1001 }, () => row).join(",")}]}`;
    expect(parseJson(text)).toMatchObject({
      ok: false,
      message: `The document has more than ${MAX_JSON_VALUES.toLocaleString("en")} values`,
    });
  });

  it("accept the widest object allowed, long arrays, and commas inside strings", () => {
    expect(parseJson(wideObject(MAX_JSON_OBJECT_KEYS)).ok).toBe(true);
    const long = `{"a": [${Array.from({ length: 100_000 }, (_, i) => i).join(",")}]}`;
    expect(parseJson(long).ok).toBe(true);
    const commas = JSON.stringify({ text: ",".repeat(MAX_JSON_VALUES + 5) });
    expect(parseJson(commas).ok).toBe(true);
  });
});
