import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { indexStrings, type TextEdit } from "../json/string-index";
import { checkConfigText } from "./check-config-text";
import { IncrementalCheck } from "./incremental-check";
import { compileSchema } from "./validate-config";

const fastqQc = JSON.parse(readFileSync("pipelines/fastq-qc/schema.json", "utf8")) as Record<
  string,
  unknown
>;
const validate = compileSchema(fastqQc);

/** A fastq-qc config of `count` data files, one with an undeclared field, one with a typo. */
function config(count: number): string {
  const dataFiles = Array.from({ length: count }, (_, i) => ({
    fastqPath: `data/sample-${i}_R${(i % 2) + 1}.fastq.gz`,
    fastqCode: i % 2 === 0 ? "R1" : "R2",
    sampleName: `sample${Math.floor(i / 2)}`,
    rgsm: `sample${Math.floor(i / 2)}`,
    rglb: "lib1",
    rgpu: "FLOWCELL.1",
    ...(i === 3 ? { comment: "kept" } : {}),
    ...(i === 5 ? { rgpll: "ILLUMINA" } : {}),
  }));
  const base = { pipeline: "fastq-qc@1.0.0", project: "p", study: "S", email: "a@b.org" };
  return JSON.stringify({ ...base, dataFiles }, null, 2);
}

function applied(text: string, { offset, length, text: typed }: TextEdit): string {
  return text.slice(0, offset) + typed + text.slice(offset + length);
}

/** A small deterministic generator (the same edits every run). */
function random(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state >>> 8) % below; // the low bits of this generator repeat quickly
  };
}

/** An edit inside a string value: typing, deleting, emptying it, or an escape (\\"). */
function someEdit(text: string, next: (below: number) => number): TextEdit {
  const index = indexStrings(text)!;
  const id = next(index.count);
  const start = index.starts[id]! + 1;
  const size = index.ends[id]! - 1 - start;
  const at = start + next(size + 1);
  // In a string with an escape, only typing at its start keeps the JSON valid for sure.
  if (index.escaped[id]) return { offset: start, length: 0, text: "e" };
  switch (next(6)) {
    case 0:
      return { offset: start, length: size, text: "" };
    case 1:
      return { offset: at, length: Math.min(2, start + size - at), text: "" };
    case 2:
      return { offset: at, length: 0, text: '\\"' }; // the string is then checked whole
    default:
      return { offset: at, length: 0, text: " x/.é-Z9"[next(8)]! };
  }
}

describe("IncrementalCheck", () => {
  it("answers exactly as the whole check after every edit inside string values", () => {
    const next = random(7);
    let text = config(20);
    const checker = new IncrementalCheck();
    checker.reset(text);
    let incremental = 0;
    for (let step = 0; step < 100; step++) {
      const edit = someEdit(text, next);
      text = applied(text, edit);
      checker.edit([edit]);
      const got = checker.check(validate);
      const whole = checkConfigText(text, validate);
      expect({ problems: got.problems, warnings: got.warnings, value: got.value }).toEqual({
        problems: whole.problems,
        warnings: whole.warnings,
        value: whole.value,
      });
      if (got.incremental) incremental++;
    }
    // Most edits stayed inside a string of valid JSON: they took the short way.
    expect(incremental).toBeGreaterThan(50);
  }, 30_000);

  it("keeps every problem found elsewhere, moved with the text", () => {
    const text = config(10).replace('"project": "p"', '"project": "no spaces"');
    const checker = new IncrementalCheck();
    checker.reset(text);
    const before = checker.check(validate);
    expect(before.problems.map((p) => p.path)).toEqual(["/project", "/dataFiles/5/rgpll"]);
    const at = text.indexOf('"fastqCode": "R2"') + '"fastqCode": "R2'.length;
    const edit = { offset: at, length: 0, text: " b" };
    checker.edit([edit]);
    const after = checker.check(validate);
    expect(after.incremental).toBe(true);
    expect(after.problems).toEqual(checkConfigText(applied(text, edit), validate).problems);
    expect(after.problems.map((p) => p.path)).toEqual([
      "/project",
      "/dataFiles/1/fastqCode",
      "/dataFiles/5/rgpll",
    ]);
  });

  it("checks the whole text when a keyword on the way compares members (uniqueItems)", () => {
    const unique = compileSchema({
      type: "object",
      properties: { tags: { type: "array", uniqueItems: true, items: { type: "string" } } },
    });
    const text = '{"tags": ["a", "b"]}';
    const checker = new IncrementalCheck();
    checker.reset(text);
    expect(checker.check(unique).problems).toEqual([]);
    const edit = { offset: text.indexOf('"b"') + 1, length: 1, text: "a" };
    checker.edit([edit]);
    const after = checker.check(unique);
    expect(after.incremental).toBe(false);
    expect(after.problems.map((p) => p.path)).toEqual(["/tags"]);
  });

  it("checks the whole text after an edit outside a string value, or a new schema", () => {
    const text = config(4);
    const checker = new IncrementalCheck();
    checker.reset(text);
    checker.check(validate);
    checker.edit([{ offset: text.indexOf("{", 1), length: 0, text: " " }]);
    expect(checker.check(validate).incremental).toBe(false);
    checker.edit([{ offset: text.indexOf('"p"') + 2, length: 0, text: "q" }]);
    expect(checker.check(compileSchema(structuredClone(fastqQc))).incremental).toBe(false);
  });

  it("re-checks a letter typed in a 1 MB config alone, with the whole check's answer", () => {
    const text = config(4000);
    const checker = new IncrementalCheck();
    checker.reset(text);
    const wholeStarted = performance.now();
    checker.check(validate);
    const wholeMs = performance.now() - wholeStarted;
    const at = text.indexOf('"R1"', text.length / 2) + 2;
    const edit = { offset: at, length: 0, text: "x" };
    checker.edit([edit]);
    const started = performance.now();
    const got = checker.check(validate);
    const ms = performance.now() - started;
    expect(got.incremental).toBe(true);
    const whole = checkConfigText(applied(text, edit), validate);
    expect(got.problems).toEqual(whole.problems);
    expect(got.problems).toHaveLength(2); // the typo of data file 5, and this one
    console.info(`1 MB config: whole check ${wholeMs.toFixed(1)} ms, one edit ${ms.toFixed(1)} ms`);
  });
});
