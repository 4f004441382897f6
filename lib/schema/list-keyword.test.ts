import { describe, expect, it } from "vitest";
import { collectListTargets } from "./list-keyword";
import { compileSchema } from "./validate-config";

const schema = {
  type: "object",
  properties: {
    account: { type: "string", "x-runport-list": "hpc-accounts" },
    rows: { type: "array", items: { $ref: "#/$defs/row" } },
  },
  $defs: { row: { type: "object", properties: { id: { "x-runport-list": "samples" } } } },
};

describe("x-runport-list", () => {
  it("is an annotation for ajv (the browser's validator compiles and accepts any value)", () => {
    const validate = compileSchema(schema);
    expect(validate({ account: "anything", rows: [{ id: 3 }] })).toBe(true);
  });

  it("collects the values to check, through items and $ref, skipping empty strings", () => {
    const targets = collectListTargets(schema, {
      account: "lab-1",
      rows: [{ id: "s1" }, { id: 7 }, { id: "" }, { id: null }],
    });
    expect(targets).toEqual([
      { pointer: "/account", value: "lab-1", list: "hpc-accounts" },
      { pointer: "/rows/0/id", value: "s1", list: "samples" },
      { pointer: "/rows/1/id", value: "7", list: "samples" },
    ]);
    expect(collectListTargets(schema, { rows: [{ id: "a" }, { id: "b" }] }, 1)).toHaveLength(1);
  });
});
