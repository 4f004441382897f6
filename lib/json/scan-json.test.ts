import { findNodeAtLocation, parseTree } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { pointerSegments, positionAt, toPointer } from "./parse-json";
import { locateAll, scanJson, withAncestors } from "./scan-json";

function pointersOf(value: unknown, path: (string | number)[] = []): string[] {
  const here = toPointer(path);
  if (Array.isArray(value)) return [here, ...value.flatMap((v, i) => pointersOf(v, [...path, i]))];
  if (value && typeof value === "object") {
    return [here, ...Object.entries(value).flatMap(([k, v]) => pointersOf(v, [...path, k]))];
  }
  return [here];
}

const documents = [
  '{"a": 1, "b": [true, false, null, {"c": "x\\"y"}], "d/e": {"~f": -1.5e3}}',
  '  [ [], {}, [ {"k": [1, [2, [3]]]} ], "s" ]  ',
  '{\n  "pipeline": "fastq-qc@1.0.0",\n  "dataFiles": [\n    {"fastqPath": "a", "fastqCode": "R1"},\n    {"fastqPath": "b\\\\c", "fastqCode": "R2"}\n  ]\n}',
  '"just a string"',
  '{"empty": {}, "list": [], "nested": {"x": {"y": {"z": [{}]}}}}',
];

describe("scanJson", () => {
  it.each(documents)("locates every value of %j as jsonc-parser does", (text) => {
    const tree = parseTree(text)!;
    const pointers = pointersOf(JSON.parse(text));
    const { spans } = scanJson(text, pointers);
    for (const pointer of pointers) {
      const node = findNodeAtLocation(
        tree,
        pointerSegments(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
      )!;
      expect(spans.get(pointer), pointer).toMatchObject({
        offset: node.offset,
        length: node.length,
      });
      if (node.parent?.type === "property") {
        const key = node.parent.children![0]!;
        expect(spans.get(pointer), pointer).toMatchObject({
          keyOffset: key.offset,
          keyLength: key.length,
        });
      }
    }
  });

  it.each([
    ['{"a": 1, "b": 2}', null],
    ['{"a": 1, "a": 2}', "/a"],
    ['{"x": {"a": 1}, "y": {"a": 2}}', null],
    ['{"list": [{"k": 1}, {"k": 1, "k": 2}]}', "/list/1/k"],
    ['{"list": [[1, 2], {"z": {"q": 1, "q": 2}}]}', "/list/1/z/q"],
    ['[{"a~b/c": 1, "a~b/c": 1}]', "/0/a~0b~1c"],
    ['{"\\u0061": 1, "a": 2}', "/a"],
    ['{"v": "a", "w": {"v": "a"}}', null],
  ])("finds in %s the duplicate key %s", (text, pointer) => {
    expect(scanJson(text).duplicate?.pointer ?? null).toBe(pointer);
  });

  it("locates problems at the value, the key, or the nearest parent", () => {
    const text =
      '{\n  "dataFiles": [\n    {"fastqPath": "a.fq", "fastqCode": "R3"}\n  ],\n  "a/b": 1\n}';
    const at = (p: { offset: number }) => positionAt(text, p.offset);
    const [value, key, missing, escaped] = locateAll(text, [
      { path: "/dataFiles/0/fastqCode" },
      { path: "/dataFiles/0/fastqCode", atKey: true },
      { path: "/dataFiles/0/sampleName" },
      { path: "/a~1b" },
    ]);
    expect(at(value!)).toMatchObject({ line: 3, column: 40 });
    expect(at(key!)).toMatchObject({ line: 3, column: 27 });
    expect(at(missing!)).toMatchObject({ line: 3, column: 5 });
    expect(at(escaped!)).toMatchObject({ line: 5, column: 10 });
  });

  it("finds a deep pointer on its own (its ancestors are followed)", () => {
    const text = '{"a": {"b": [1, {"c": "x"}]}}';
    expect(scanJson(text, ["/a/b/1/c"]).spans.get("/a/b/1/c")).toMatchObject({
      offset: 22,
      length: 3,
    });
  });

  it("adds the ancestors of wanted pointers", () => {
    expect([...withAncestors(["/a/0/b"])].sort()).toEqual(["", "/a", "/a/0", "/a/0/b"]);
  });
});
