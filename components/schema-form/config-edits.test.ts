import { describe, expect, it } from "vitest";
import { applyTextEdits, gridEdits, setValueEdits, type GridEdit } from "./config-edits";
import { applyGridChanges } from "./grid-values";

const text = `{
  "project": "demo",
  "minQuality": 20,
  "dataFiles": [
    {
      "sampleName": "s1",
      "fastqCode": "R1"
    },
    {
      "sampleName": "s2",
      "fastqCode": "R2"
    }
  ]
}
`;

const rows = () => (JSON.parse(text) as { dataFiles: Record<string, unknown>[] }).dataFiles;

function after(changes: GridEdit[]) {
  const edits = gridEdits(text, ["dataFiles"], rows(), changes);
  const out = applyTextEdits(text, edits);
  return { edits, out, value: JSON.parse(out) as { dataFiles: unknown[] } };
}

describe("edits of the config's text from the form", () => {
  it("replaces a scalar in its own range, keeping the rest byte for byte", () => {
    const edits = setValueEdits(text, ["minQuality"], 30);
    expect(edits).toEqual([{ offset: text.indexOf("20"), length: 2, text: "30" }]);
    expect(applyTextEdits(text, edits)).toBe(text.replace("20", "30"));
  });

  it("adds and removes properties with jsonc's modify", () => {
    const added = applyTextEdits(text, setValueEdits(text, ["study"], "S-1"));
    expect(JSON.parse(added)).toMatchObject({ study: "S-1", project: "demo" });
    const removed = applyTextEdits(added, setValueEdits(added, ["project"], undefined));
    expect(JSON.parse(removed)).not.toHaveProperty("project");
  });

  it("starts an object when the text is not one", () => {
    const out = applyTextEdits("[1", setValueEdits("[1", ["name"], "x"));
    expect(JSON.parse(out)).toEqual({ name: "x" });
  });

  it("sets one cell in place", () => {
    const { edits, value } = after([{ kind: "set", row: 1, column: "sampleName", value: "s9" }]);
    expect(edits).toHaveLength(1);
    expect(edits[0]!.text).toBe('"s9"');
    expect(value.dataFiles[1]).toEqual({ sampleName: "s9", fastqCode: "R2" });
  });

  it("clears a cell (property removed) and sets cells of several rows, one edit per row", () => {
    expect(
      after([{ kind: "set", row: 0, column: "fastqCode", value: undefined }]).value.dataFiles[0],
    ).toEqual({ sampleName: "s1" });
    const { edits, value } = after([
      { kind: "set", row: 0, column: "rglb", value: "lib" },
      { kind: "set", row: 1, column: "rglb", value: "lib" },
      { kind: "set", row: 1, column: "lane", value: 2 },
    ]);
    expect(edits).toHaveLength(2);
    expect(value.dataFiles).toEqual([
      { sampleName: "s1", fastqCode: "R1", rglb: "lib" },
      { sampleName: "s2", fastqCode: "R2", rglb: "lib", lane: 2 },
    ]);
  });

  it.each<[string, GridEdit, unknown[]]>([
    [
      "appends",
      { kind: "splice", start: 2, deleteCount: 0, items: [{ sampleName: "s3" }] },
      ["s1", "s2", "s3"],
    ],
    [
      "inserts first",
      { kind: "splice", start: 0, deleteCount: 0, items: [{ sampleName: "s0" }] },
      ["s0", "s1", "s2"],
    ],
    ["deletes the first", { kind: "splice", start: 0, deleteCount: 1, items: [] }, ["s2"]],
    ["deletes the last", { kind: "splice", start: 1, deleteCount: 1, items: [] }, ["s1"]],
    ["deletes all", { kind: "splice", start: 0, deleteCount: 2, items: [] }, []],
    [
      "replaces one",
      {
        kind: "splice",
        start: 1,
        deleteCount: 1,
        items: [{ sampleName: "x" }, { sampleName: "y" }],
      },
      ["s1", "x", "y"],
    ],
  ])("%s with one edit", (_name, change, names) => {
    const { edits, value } = after([change]);
    expect(edits).toHaveLength(1);
    expect(value.dataFiles.map((r) => (r as { sampleName: string }).sampleName)).toEqual(names);
    expect(value.dataFiles).toEqual(applyGridChanges(rows(), [change]));
  });

  it("a paste past the end (sets and an append) rewrites from the first row touched", () => {
    const changes: GridEdit[] = [
      { kind: "set", row: 1, column: "sampleName", value: "p1" },
      {
        kind: "splice",
        start: 2,
        deleteCount: 0,
        items: [{ sampleName: "p2" }, { sampleName: "p3" }],
      },
    ];
    const { edits, out, value } = after(changes);
    expect(edits).toHaveLength(1);
    expect(out.slice(0, text.indexOf('"s2"') - 30)).toBe(text.slice(0, text.indexOf('"s2"') - 30));
    expect(value.dataFiles).toEqual([
      { sampleName: "s1", fastqCode: "R1" },
      { sampleName: "p1", fastqCode: "R2" },
      { sampleName: "p2" },
      { sampleName: "p3" },
    ]);
  });

  it("creates the array when the config has none", () => {
    const out = applyTextEdits(
      '{"a": 1}',
      gridEdits(
        '{"a": 1}',
        ["dataFiles"],
        [],
        [{ kind: "splice", start: 0, deleteCount: 0, items: [{ sampleName: "n" }] }],
      ),
    );
    expect(JSON.parse(out)).toEqual({ a: 1, dataFiles: [{ sampleName: "n" }] });
  });

  it("fills an empty array", () => {
    const empty = '{\n  "dataFiles": []\n}';
    const out = applyTextEdits(
      empty,
      gridEdits(
        empty,
        ["dataFiles"],
        [],
        [{ kind: "splice", start: 0, deleteCount: 0, items: [{ a: 1 }, { a: 2 }] }],
      ),
    );
    expect(JSON.parse(out)).toEqual({ dataFiles: [{ a: 1 }, { a: 2 }] });
  });
});

describe("edits of the config's text: object members and stale values", () => {
  it("removes the last, the middle and the only member cleanly", () => {
    const t = '{\n  "a": 1,\n  "b": {\n    "c": 2\n  },\n  "d": 3\n}';
    expect(applyTextEdits(t, setValueEdits(t, ["d"], undefined))).toBe(
      '{\n  "a": 1,\n  "b": {\n    "c": 2\n  }\n}',
    );
    expect(applyTextEdits(t, setValueEdits(t, ["a"], undefined))).toBe(
      '{\n  "b": {\n    "c": 2\n  },\n  "d": 3\n}',
    );
    expect(applyTextEdits(t, setValueEdits(t, ["b", "c"], undefined))).toBe(
      '{\n  "a": 1,\n  "b": {},\n  "d": 3\n}',
    );
  });

  it("adds members to empty and filled objects, and creates missing parents", () => {
    const t = '{\n  "b": {}\n}';
    const one = applyTextEdits(t, setValueEdits(t, ["b", "x"], [1, 2]));
    expect(JSON.parse(one)).toEqual({ b: { x: [1, 2] } });
    const two = applyTextEdits(one, setValueEdits(one, ["e"], "z"));
    expect(two).toBe('{\n  "b": {\n    "x": [\n      1,\n      2\n    ]\n  },\n  "e": "z"\n}');
    const deep = applyTextEdits(two, setValueEdits(two, ["n", "m"], true));
    expect(JSON.parse(deep)).toMatchObject({ n: { m: true } });
  });

  it("a grid value behind the text writes nothing (never a wrong or a lost row)", () => {
    const stale = rows().slice(0, 1); // the grid saw one row; the text has two
    const edits = gridEdits(text, ["dataFiles"], stale, [
      { kind: "splice", start: 1, deleteCount: 0, items: [{ sampleName: "n" }] },
    ]);
    expect(edits).toEqual([]);
  });

  it("rewrites only the rows whose cells are set", () => {
    const edits = gridEdits(text, ["dataFiles"], rows(), [
      { kind: "set", row: 0, column: "rglb", value: "a" },
      { kind: "set", row: 0, column: "rgpu", value: "b" },
    ]);
    expect(edits).toHaveLength(1);
    expect(JSON.parse(applyTextEdits(text, edits))).toMatchObject({
      dataFiles: [
        { rglb: "a", rgpu: "b" },
        { sampleName: "s2", fastqCode: "R2" },
      ],
    });
  });
});

describe("edits of the config's text: big pastes", () => {
  it("takes 200,000 cell changes in one call", () => {
    const changes: GridEdit[] = [];
    for (let i = 0; i < 200_000; i++)
      changes.push({ kind: "set", row: i % 2, column: `c${i % 7}`, value: i });
    const edits = gridEdits(text, ["dataFiles"], rows(), changes);
    expect(edits).toHaveLength(2);
  });
});
