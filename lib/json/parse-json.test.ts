import { describe, expect, it } from "vitest";
import {
  findDuplicateKey,
  locatePointer,
  parseJson,
  parseJsonTree,
  positionAt,
  sourceOfProperty,
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

describe("JSON Pointers in text", () => {
  const text =
    '{\n  "dataFiles": [\n    {"fastqPath": "a.fq", "fastqCode": "R3"}\n  ],\n  "a/b": 1\n}';
  const tree = parseJsonTree(text)!;

  it("locates a value, a property name, and the parent of a missing property", () => {
    expect(locatePointer(text, tree, "/dataFiles/0/fastqCode")).toMatchObject({
      line: 3,
      column: 40,
    });
    expect(locatePointer(text, tree, "/dataFiles/0/fastqCode", { key: true })).toMatchObject({
      line: 3,
      column: 27,
    });
    expect(locatePointer(text, tree, "/dataFiles/0/sampleName")).toMatchObject({
      line: 3,
      column: 5,
    });
    expect(locatePointer(text, tree, "/a~1b")).toMatchObject({ line: 5, column: 10 });
  });

  it("escapes pointer segments and returns a property's exact source", () => {
    expect(toPointer(["a/b", "c~d", 0])).toBe("/a~1b/c~0d/0");
    expect(sourceOfProperty(text, tree, "dataFiles")).toBe(
      '[\n    {"fastqPath": "a.fq", "fastqCode": "R3"}\n  ]',
    );
    expect(positionAt("ab\ncd", 4)).toEqual({ offset: 4, line: 2, column: 2 });
  });
});

describe("findDuplicateKey", () => {
  it.each([
    ['{"a": 1, "b": 2}', null],
    ['{"a": 1, "a": 2}', "/a"],
    ['{"x": {"a": 1}, "y": {"a": 2}}', null],
    ['{"list": [{"k": 1}, {"k": 1, "k": 2}]}', "/list/1/k"],
    ['{"list": [[1, 2], {"z": {"q": 1, "q": 2}}]}', "/list/1/z/q"],
    ['[{"a~b/c": 1, "a~b/c": 1}]', "/0/a~0b~1c"],
  ])("in %s finds %s", (text, pointer) => {
    expect(findDuplicateKey(text)?.pointer ?? null).toBe(pointer);
  });
});
