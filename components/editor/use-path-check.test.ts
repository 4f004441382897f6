// @vitest-environment happy-dom
import { readFileSync } from "node:fs";
import { cleanup, renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { locatePathProblems, namesPaths, usePathCheck } from "./use-path-check";

const fastqQc = JSON.parse(readFileSync("pipelines/fastq-qc/schema.json", "utf8")) as Record<
  string,
  unknown
>;

describe("the editor's path check helpers", () => {
  it("asks the server only for schemas that name paths", () => {
    const hello = JSON.parse(readFileSync("pipelines/hello/schema.json", "utf8")) as Record<
      string,
      unknown
    >;
    expect(namesPaths(fastqQc)).toBe(true);
    expect(namesPaths(hello)).toBe(false);
    expect(namesPaths({ properties: { out: { format: "directory-path" } } })).toBe(true);
    expect(namesPaths({ properties: { email: { format: "email" } } })).toBe(false);
    expect(namesPaths(null)).toBe(false);
  });

  it("marks the whole value of each problem in the text", () => {
    const text = '{\n  "dataFiles": [\n    { "fastqPath": "data/x.fq" }\n  ]\n}\n';
    const problems = [{ path: "/dataFiles/0/fastqPath", message: "does not exist" }];
    expect(locatePathProblems(text, problems)).toEqual([
      {
        path: "/dataFiles/0/fastqPath",
        message: "does not exist",
        line: 3,
        column: 20,
        endLine: 3,
        endColumn: 31,
      },
    ]);
  });
});

describe("usePathCheck", () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  const text = '{\n  "dataFiles": [{ "fastqPath": "data/x.fq" }]\n}\n';

  it("asks the server once typing pauses, and shows the answer only for the text it was for", async () => {
    const calls: { url: string; body: unknown }[] = [];
    vi.stubGlobal("fetch", (url: string, init: RequestInit) => {
      calls.push({ url, body: init.body });
      const problems = [{ path: "/dataFiles/0/fastqPath", message: "does not exist" }];
      return Promise.resolve(Response.json({ pipeline: "fastq-qc@1.0.0", problems }));
    });
    const props = {
      pipelineRef: "fastq-qc@1.0.0",
      schema: fastqQc,
      valid: true,
      textVersion: 1,
      getText: () => text,
    };
    const { result, rerender } = renderHook((p: typeof props) => usePathCheck(p), {
      initialProps: props,
    });
    expect(result.current).toEqual([]);
    await waitFor(() => expect(result.current).toHaveLength(1), { timeout: 3000 });
    expect(calls).toEqual([
      { url: "/api/v1/pipelines/fastq-qc/check-paths?version=1.0.0", body: text },
    ]);
    expect(result.current[0]).toMatchObject({ message: "does not exist", line: 2, column: 32 });
    // The text changed: the old answer is not shown on the new text.
    rerender({ ...props, textVersion: 2 });
    expect(result.current).toEqual([]);
    // Not valid for the schema: no question to the server, nothing shown.
    rerender({ ...props, textVersion: 3, valid: false });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(calls).toHaveLength(1); // version 2 changed again within the pause: not asked
    expect(result.current).toEqual([]);
  });
});
