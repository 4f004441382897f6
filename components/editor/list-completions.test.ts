import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { listAtPath } from "@/lib/schema/list-keyword";
import { listPropertyNames, namesLists } from "./list-completions";

const fastqQc = JSON.parse(readFileSync("pipelines/fastq-qc/schema.json", "utf8")) as Record<
  string,
  unknown
>;

const samples = {
  $defs: { account: { type: "string", "x-runport-list": "hpc-accounts" } },
  type: "object",
  properties: {
    samples: {
      type: "array",
      items: {
        type: "object",
        properties: {
          id: { "x-runport-list": "sample-ids" },
          account: { $ref: "#/$defs/account" },
        },
      },
    },
    note: { type: "string" },
  },
};

describe("the editor's list completions", () => {
  it("finds the list of a value as the server's check does (arrays, $ref), and none elsewhere", () => {
    expect(listAtPath(fastqQc, ["hpcAccount"])).toBe("hpc-accounts");
    expect(listAtPath(fastqQc, ["runName"])).toBeNull();
    expect(listAtPath(samples, ["samples", 1234, "id"])).toBe("sample-ids");
    expect(listAtPath(samples, ["samples", 0, "account"])).toBe("hpc-accounts");
    expect(listAtPath(samples, ["samples", 0])).toBeNull();
    expect(listAtPath(samples, ["note"])).toBeNull();
  });

  it("knows which schemas name lists, and the property names worth a completion", () => {
    expect(namesLists(fastqQc)).toBe(true);
    expect(namesLists({ properties: { a: { type: "string" } } })).toBe(false);
    expect(namesLists(null)).toBe(false);
    expect(listPropertyNames(fastqQc)).toEqual(new Set(["hpcAccount"]));
    expect(listPropertyNames(samples)).toEqual(new Set(["samples", "id", "account"]));
  });
});
