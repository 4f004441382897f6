import { describe, expect, it } from "vitest";
import { samplesheetCsv, samplesheetFiles } from "./samplesheet-files";

const schema = {
  type: "object",
  $defs: {
    io: {
      type: "object",
      properties: {
        input: {
          type: "array",
          schema: "assets/schema_input.json",
          items: {
            type: "object",
            properties: { sample: { type: "string" }, n: { type: "integer" }, ok: {} },
          },
        },
        rows: { type: "array", items: { type: "object", properties: { a: {} } } },
      },
    },
  },
  allOf: [{ $ref: "#/$defs/io" }],
};

describe("samplesheetFiles", () => {
  it("writes a samplesheet parameter's rows as CSV and names the file in the config", () => {
    const config = {
      input: [{ sample: 'a "b", c', n: 2, ok: true }, { sample: "line\nbreak" }],
      rows: [{ a: 1 }],
    };
    const result = samplesheetFiles(schema, JSON.stringify(config), "/runs/x/attempt-1");
    expect(result.files).toEqual([
      { name: "input.csv", content: 'sample,n,ok\n"a ""b"", c",2,true\n"line\nbreak",,\n' },
    ]);
    expect(JSON.parse(result.config)).toEqual({
      input: "/runs/x/attempt-1/input.csv",
      rows: [{ a: 1 }],
    });
  });

  it("passes any other config on byte for byte", () => {
    const text = '{ "rows": [ {"a": 1} ] }';
    expect(samplesheetFiles(schema, text, "/w")).toEqual({ config: text, files: [] });
    expect(samplesheetFiles({ type: "object" }, text, "/w")).toEqual({ config: text, files: [] });
  });

  it("writes nested values as JSON and missing ones as empty cells", () => {
    expect(samplesheetCsv(["a", "b"], [{ a: { x: [1] } }, null])).toBe('a,b\n"{""x"":[1]}",\n,\n');
  });
});
