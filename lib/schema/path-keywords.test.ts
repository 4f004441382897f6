import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { collectPathTargets } from "./path-keywords";
import { compileSchema, validateWith } from "./validate-config";

const fastqQc = JSON.parse(readFileSync("pipelines/fastq-qc/schema.json", "utf8")) as Record<
  string,
  unknown
>;
const example = JSON.parse(readFileSync("pipelines/fastq-qc/example.json", "utf8")) as {
  dataFiles: { fastqPath: string }[];
};

describe("collectPathTargets", () => {
  it("finds every fastqPath of the fastq-qc example with its pointer and rule", () => {
    const targets = collectPathTargets(fastqQc, example);
    expect(targets.map((t) => [t.pointer, t.value])).toEqual(
      example.dataFiles.map((f, i) => [`/dataFiles/${i}/fastqPath`, f.fastqPath]),
    );
    expect(targets[0]!.rule).toEqual({ format: "file-path", exists: true });
  });

  it("follows nf-core-style $defs groups joined by allOf, and draft-07 definitions", () => {
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      $defs: {
        input_output: {
          type: "object",
          properties: {
            input: { type: "string", format: "file-path", exists: true, mimetype: "text/csv" },
            outdir: { type: "string", format: "directory-path" },
          },
        },
      },
      allOf: [{ $ref: "#/$defs/input_output" }],
    };
    const config = { input: "samples.csv", outdir: "results", other: "x.csv" };
    expect(collectPathTargets(schema, config)).toEqual([
      {
        pointer: "/input",
        value: "samples.csv",
        rule: { format: "file-path", exists: true },
      },
      { pointer: "/outdir", value: "results", rule: { format: "directory-path" } },
    ]);
    const draft07 = {
      $schema: "http://json-schema.org/draft-07/schema",
      definitions: { g: { properties: { ref: { format: "path", exists: false } } } },
      allOf: [{ $ref: "#/definitions/g" }],
    };
    expect(collectPathTargets(draft07, { ref: "genome.fa" })).toEqual([
      { pointer: "/ref", value: "genome.fa", rule: { format: "path", exists: false } },
    ]);
  });

  it("walks arrays, tuples, additional and pattern properties; escapes pointers", () => {
    const file = { type: "string", format: "file-path" };
    const schema = {
      type: "object",
      properties: {
        list: { type: "array", items: file },
        pair: { type: "array", prefixItems: [file, { type: "string" }], items: file },
        map: { type: "object", additionalProperties: file },
        byPattern: { type: "object", patternProperties: { "^in_": file } },
      },
    };
    const config = {
      list: ["a.txt", "b.txt"],
      pair: ["p0", "not-a-path", "p2"],
      map: { "x/y": "m.txt" },
      byPattern: { in_1: "i.txt", out: "o.txt" },
    };
    expect(collectPathTargets(schema, config).map((t) => t.pointer)).toEqual([
      "/list/0",
      "/list/1",
      "/pair/0",
      "/pair/2",
      "/map/x~1y",
      "/byPattern/in_1",
    ]);
  });

  it("skips empty strings, object-storage URIs, non-strings and anyOf branches", () => {
    const file = { type: "string", format: "file-path", exists: true };
    const schema = {
      properties: {
        a: file,
        b: file,
        c: file,
        d: file,
        e: { anyOf: [file, { type: "null" }] },
      },
    };
    const config = { a: "", b: "s3://bucket/key.fq", c: 3, d: "gs://b/k", e: "x" };
    expect(collectPathTargets(schema, config)).toEqual([]);
  });

  it("treats exists without a format as a file (nf-schema), merges rules of one value", () => {
    const schema = {
      properties: { a: { exists: true }, b: { allOf: [{ format: "path" }, { mimetype: "x/y" }] } },
    };
    const b = { allOf: [{ format: "path" }, { format: "file-path", mimetype: "text/plain" }] };
    expect(collectPathTargets(schema, { a: "f" })).toEqual([
      { pointer: "/a", value: "f", rule: { format: "file-path", exists: true } },
    ]);
    expect(collectPathTargets({ properties: { b } }, { b: "f.txt" })[0]!.rule).toEqual({
      format: "file-path",
    });
  });

  it("survives recursive schemas and stops at the limit", () => {
    const schema = {
      $defs: {
        node: { properties: { file: { format: "file-path" }, child: { $ref: "#/$defs/node" } } },
      },
      $ref: "#/$defs/node",
      allOf: [{ $ref: "#" }],
    };
    const config = { file: "1", child: { file: "2", child: { file: "3" } } };
    expect(collectPathTargets(schema, config).map((t) => t.pointer)).toEqual([
      "/file",
      "/child/file",
      "/child/child/file",
    ]);
    expect(collectPathTargets(schema, config, 2)).toHaveLength(2);
  });
});

describe("registerPathKeywords (through compileSchema)", () => {
  it("knows the formats and keywords: a NUL in a path is a format error, nothing else is", () => {
    const validate = compileSchema({
      type: "object",
      properties: {
        f: { type: "string", format: "file-path", exists: true, mimetype: "text/csv" },
      },
    });
    expect(validateWith(validate, { f: "does/not/matter.csv" })).toEqual([]);
    expect(validateWith(validate, { f: "a\u0000b.csv" })).toEqual([
      { path: "/f", message: "must be a valid file-path" },
    ]);
  });

  it("checks mimetype by the file name, compressed text included, never a folder's", () => {
    const validate = compileSchema({
      type: "object",
      properties: {
        reads: { type: "array", items: { format: "file-path", mimetype: "text/plain" } },
        sheet: { format: "file-path", mimetype: "text/csv" },
        dir: { format: "directory-path", mimetype: "text/csv" },
        odd: { format: "file-path", mimetype: "chemical/x-pdb" },
      },
    });
    const plain = `must name a text/plain file (.txt, .text, .fastq, .fq, .fasta, .fa, .fna, .faa, .sam, .vcf, .bed, .gtf, .gff, .gff3, .csv, .tsv, .tab, .log)`;
    const good = { reads: ["a.fastq", "b.FQ.GZ", "s3://x/y"], sheet: "s.csv", dir: "d", odd: "z" };
    expect(validateWith(validate, good)).toEqual([]);
    expect(validateWith(validate, { reads: ["a.bam", "fastq"], sheet: "s.txt" })).toEqual([
      { path: "/reads/0", message: plain },
      { path: "/reads/1", message: plain },
      { path: "/sheet", message: "must name a text/csv file (.csv)" },
    ]);
  });

  it("refuses a schema whose exists is not a boolean", () => {
    expect(() => compileSchema({ properties: { f: { format: "path", exists: "yes" } } })).toThrow(
      /exists/,
    );
  });
});
