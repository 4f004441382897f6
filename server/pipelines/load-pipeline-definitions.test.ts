import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadPipelineDefinitions } from "./load-pipeline-definitions";

const roots: string[] = [];
function root(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "runport-pipelines-"));
  roots.push(dir);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(
      path.join(dir, file),
      typeof content === "string" ? content : JSON.stringify(content),
    );
  }
  return dir;
}
afterEach(() => roots.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const definition = (extra: object = {}) => ({
  name: "demo",
  version: "1.0.0",
  title: "Demo",
  command: ["node", "{pipelineDir}/run.mjs"],
  schema: "schema.json",
  example: { n: 1 },
  ...extra,
});

describe("loadPipelineDefinitions", () => {
  it("loads name/version folders with schema files and marks dev versions", () => {
    const dir = root({
      "demo/1.0.0/pipeline.json": definition(),
      "demo/1.0.0/schema.json": { type: "object", properties: { n: { type: "integer" } } },
      "demo/2.0.0-dev.1/pipeline.json": definition({
        version: "2.0.0-dev.1",
        schema: { type: "object" },
      }),
    });
    const { pipelines, problems } = loadPipelineDefinitions([dir]);
    expect(problems).toEqual([]);
    expect(pipelines.map((p) => [p.version, p.isDev])).toEqual([
      ["1.0.0", false],
      ["2.0.0-dev.1", true],
    ]);
    expect(pipelines[0]?.definition).toMatchObject({
      timeoutSeconds: 3600,
      retries: 0,
      executor: "local",
    });
  });

  it("reads unknownProperties (default warn) and checks the example under it", () => {
    const strict = { type: "object", additionalProperties: false, properties: { n: {} } };
    const dir = root({
      "a/pipeline.json": definition({ name: "a", schema: strict }),
      "b/pipeline.json": definition({ name: "b", schema: strict, unknownProperties: "ignore" }),
      "c/pipeline.json": definition({
        name: "c",
        schema: strict,
        example: { n: 1, extra: 2 },
        unknownProperties: "reject",
      }),
      "d/pipeline.json": definition({ name: "d", schema: strict, example: { n: 1, extra: 2 } }),
      "e/pipeline.json": definition({ name: "e", schema: strict, unknownProperties: "maybe" }),
    });
    const { pipelines, problems } = loadPipelineDefinitions([dir]);
    expect(pipelines.map((p) => [p.name, p.definition.unknownProperties])).toEqual([
      ["a", "warn"],
      ["b", "ignore"],
      ["d", "warn"], // an undeclared property in the example only warns
    ]);
    expect(problems.map((p) => path.basename(path.dirname(p.file)))).toEqual(["c", "e"]);
    expect(problems[0]?.message).toContain("/extra is not an allowed property");
    expect(problems[1]?.message).toContain("unknownProperties");
  });

  it("skips bad definitions with a reason, and keeps the good ones", () => {
    const dir = root({
      "a/pipeline.json": definition({ name: "Bad Name" }),
      "b/pipeline.json": definition({ name: "b", schema: "../../etc/passwd" }),
      "c/pipeline.json": definition({
        name: "c",
        schema: { type: "object", properties: { n: { type: "string" } } },
      }),
      "d/pipeline.json": "{ not json",
      "e/pipeline.json": definition({ name: "e", schema: { type: "object" }, shell: "rm -rf /" }),
      "f/pipeline.json": definition({ name: "f", schema: { type: "object" } }),
    });
    const { pipelines, problems } = loadPipelineDefinitions([dir]);
    expect(pipelines.map((p) => p.name)).toEqual(["f"]);
    const reasons = problems.map((p) => `${path.basename(path.dirname(p.file))}: ${p.message}`);
    expect(reasons).toEqual([
      expect.stringMatching(/^a: name/),
      expect.stringMatching(/^b: .*outside the pipeline folder/),
      expect.stringMatching(/^c: example does not match the schema: \/n must be a string/),
      expect.stringMatching(/^d: /),
      expect.stringMatching(/^e: .*shell/),
    ]);
  });

  it("refuses Slurm runOptions.account/qos that let a run charge any account", () => {
    const schema = (hpcAccount: object) => ({ type: "object", properties: { hpcAccount } });
    const slurm = (runOptions: object) => ({ executor: "slurm", slurm: { runOptions } });
    const dir = root({
      "open/pipeline.json": definition({
        name: "open",
        schema: schema({ type: "string" }),
        ...slurm({ account: { property: "hpcAccount" } }),
      }),
      "qos/pipeline.json": definition({
        name: "qos",
        schema: schema({ type: "string" }),
        ...slurm({ qos: { property: "hpcAccount" } }),
      }),
      "allowed/pipeline.json": definition({
        name: "allowed",
        schema: schema({ type: "string" }),
        ...slurm({ account: { property: "hpcAccount", allowed: ["lab"] } }),
      }),
      "listed/pipeline.json": definition({
        name: "listed",
        schema: schema({ type: "string", "x-runport-list": "hpc-accounts" }),
        ...slurm({ account: { property: "hpcAccount" } }),
      }),
    });
    const { pipelines, problems } = loadPipelineDefinitions([dir]);
    expect(pipelines.map((p) => p.name)).toEqual(["allowed", "listed"]);
    const reasons = problems.map((p) => `${path.basename(path.dirname(p.file))}: ${p.message}`);
    expect(reasons).toEqual([
      expect.stringMatching(/^open: slurm.runOptions.account: .*"allowed".*x-runport-list/),
      expect.stringMatching(/^qos: slurm.runOptions.qos: .*x-runport-list/),
    ]);
  });
});
