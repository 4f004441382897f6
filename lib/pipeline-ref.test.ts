import { describe, expect, it } from "vitest";
import { isDevVersion, parsePipelineRef, resolveVersion } from "./pipeline-ref";

const versions = ["1.0.0", "1.2.0", "1.10.0", "2.0.0-dev.1", "2.0.0-dev.3", "dev"].map(
  (version) => ({
    version,
    isDev: isDevVersion(version),
  }),
);

describe("pipeline references", () => {
  it.each([
    ["hello", { name: "hello", selector: "latest" }],
    ["hello@latest", { name: "hello", selector: "latest" }],
    ["hello@dev", { name: "hello", selector: "dev" }],
    ["fastq-qc@1.0.0", { name: "fastq-qc", selector: "1.0.0" }],
  ])("parses %s", (text, ref) => expect(parsePipelineRef(text)).toEqual(ref));

  it.each(["", "Hello", "../x", "x@", "x@1.0", "x@latest@1", "a b"])("rejects %j", (text) => {
    expect(parsePipelineRef(text)).toBeNull();
  });

  it("resolves exact, latest (highest non-dev) and dev (highest dev)", () => {
    expect(resolveVersion(versions, "1.2.0")).toBe("1.2.0");
    expect(resolveVersion(versions, "latest")).toBe("1.10.0");
    expect(resolveVersion(versions, "dev")).toBe("2.0.0-dev.3");
    expect(resolveVersion(versions, "3.0.0")).toBeNull();
    expect(resolveVersion([{ version: "0.1.0-dev", isDev: true }], "latest")).toBeNull();
  });
});
