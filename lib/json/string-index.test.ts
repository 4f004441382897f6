import { describe, expect, it } from "vitest";
import { indexStrings, lineColumn, segmentsOf, shiftAfter, stringHolding } from "./string-index";

const text = '{\n  "a": ["x", {"k\\"ey": "v"}],\n  "b": "q\\n",\n  "c": 1\n}';

describe("indexStrings", () => {
  it("finds each string value with its path, its key and its lines", () => {
    const index = indexStrings(text)!;
    const values = Array.from({ length: index.count }, (_, id) => ({
      text: text.slice(index.starts[id], index.ends[id]),
      path: segmentsOf(index, id),
      escaped: index.escaped[id] === 1,
    }));
    expect(values).toEqual([
      { text: '"x"', path: ["a", 0], escaped: false },
      { text: '"v"', path: ["a", 1, 'k"ey'], escaped: false },
      { text: '"q\\n"', path: ["b"], escaped: true },
    ]);
    expect(text.slice(index.keyStarts[1], index.keyEnds[1])).toBe('"k\\"ey"');
    expect(index.keyStarts[0]).toBe(-1); // an array's member has no key
    expect(lineColumn(index, text.indexOf('"b"'))).toEqual({ line: 3, column: 3 });
  });

  it("follows only edits between a plain string's quotes that type no quote or backslash", () => {
    const index = indexStrings(text)!;
    const x = text.indexOf('"x"');
    expect(stringHolding(index, { offset: x + 1, length: 1, text: "yz" })).toBe(0);
    expect(stringHolding(index, { offset: x + 2, length: 0, text: "!" })).toBe(0);
    expect(stringHolding(index, { offset: x, length: 0, text: "y" })).toBe(-1); // before it
    expect(stringHolding(index, { offset: x + 1, length: 2, text: "" })).toBe(-1); // its quote
    expect(stringHolding(index, { offset: x + 1, length: 0, text: '"' })).toBe(-1);
    expect(stringHolding(index, { offset: x + 1, length: 0, text: "\\" })).toBe(-1);
    expect(stringHolding(index, { offset: x + 1, length: 0, text: "\n" })).toBe(-1);
    const q = text.indexOf('"q');
    expect(stringHolding(index, { offset: q + 1, length: 0, text: "a" })).toBe(-1); // escaped
    const key = text.indexOf('"c"');
    expect(stringHolding(index, { offset: key + 1, length: 0, text: "a" })).toBe(-1); // a key
  });

  it("moves later strings and lines by the edit's size", () => {
    const index = indexStrings(text)!;
    const x = text.indexOf('"x"');
    const before = { v: index.starts[1]!, line3: index.lineStarts[2]! };
    shiftAfter(index, 0, x + 1, 3);
    expect(index.ends[0]).toBe(x + 6);
    expect(index.starts[1]).toBe(before.v + 3);
    expect(index.lineStarts[1]).toBe(2); // the edit's own line starts where it did
    expect(index.lineStarts[2]).toBe(before.line3 + 3);
  });

  it("has nothing to follow in a scalar document", () => {
    expect(indexStrings(' "text"')).toBeNull();
  });
});
