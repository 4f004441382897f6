import { describe, expect, it } from "vitest";
import { PREFILL_MAX_CHARS, prefillFromLink } from "./prefill";

describe("prefill from the link", () => {
  it("is nothing without a config", () => {
    expect(prefillFromLink(undefined, "hello", "hello")).toBeNull();
  });

  it("pretty-prints the config and follows its pipeline field when none is asked", () => {
    const run = prefillFromLink('{"pipeline":"fastq-qc@1.0.0","project":"p"}', undefined, "hello");
    expect(run).toMatchObject({ pipeline: "fastq-qc@1.0.0", from: null });
    expect(run?.text).toBe('{\n  "pipeline": "fastq-qc@1.0.0",\n  "project": "p"\n}\n');
    expect(prefillFromLink('{"pipeline":"fastq-qc"}', "hello", "x")?.pipeline).toBe("hello");
    expect(prefillFromLink("[1]", undefined, "hello")?.pipeline).toBe("hello");
  });

  it("keeps text that is not JSON as it is, with a notice", () => {
    const run = prefillFromLink('{"name": ', "hello", "hello");
    expect(run).toMatchObject({ text: '{"name": ', pipeline: "hello" });
    expect(run?.notice).toMatch(/not valid JSON/);
  });

  it("loads nothing over the limit, and says so", () => {
    const big = JSON.stringify({ name: "x".repeat(PREFILL_MAX_CHARS) });
    const run = prefillFromLink(big, undefined, "hello");
    expect(run).toMatchObject({ text: null, pipeline: "hello" });
    expect(run?.notice).toMatch(/over the 64 KiB/);
  });
});
