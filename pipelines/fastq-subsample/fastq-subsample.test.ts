import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { compileSchema, validateWith } from "@/lib/schema/validate-config";
import { samplesheetParams } from "@/lib/schema/samplesheet-params";
import { loadPipelineDefinitions } from "@/server/pipelines/load-pipeline-definitions";
import { samplesheetFiles } from "@/worker/samplesheet-files";

const PIPELINE_DIR = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(PIPELINE_DIR, "fastq-subsample.mjs");
const tempRoot = mkdtempSync(path.join(os.tmpdir(), "runport-fastq-subsample-test-"));
afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

const example = JSON.parse(readFileSync(path.join(PIPELINE_DIR, "example.json"), "utf8")) as {
  input: Record<string, unknown>[];
  fraction: number;
  seed: number;
};

function loaded() {
  const { pipelines, problems } = loadPipelineDefinitions([path.dirname(PIPELINE_DIR)]);
  expect(problems).toEqual([]);
  const pipeline = pipelines.find((p) => p.name === "fastq-subsample");
  if (!pipeline) throw new Error("fastq-subsample was not loaded");
  return pipeline;
}

/** The reads of a FASTQ file (plain or gzip) as [name, lines] records. */
function fastqRecords(file: string): string[][] {
  const bytes = readFileSync(file);
  const text = (file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
  const lines = text.split("\n").filter((l) => l !== "");
  const out: string[][] = [];
  for (let i = 0; i < lines.length; i += 4) out.push(lines.slice(i, i + 4));
  return out;
}

/** The rule of the README, written again here: sha256("<seed>\t<name>"), first 4 bytes. */
function expectedKept(file: string, seed: number, fraction: number): string[][] {
  return fastqRecords(file).filter((record) => {
    const name = record[0]!
      .slice(1)
      .split(/\s/)[0]!
      .replace(/\/[12]$/, "");
    const hash = createHash("sha256").update(`${seed}\t${name}`).digest();
    return hash.readUInt32BE(0) / 2 ** 32 < fraction;
  });
}

let runs = 0;
/** Runs the script as the worker does: config.json naming the samplesheet CSV it wrote. */
function runPipeline(config: Record<string, unknown>, env: Record<string, string> = {}) {
  const workDir = path.join(tempRoot, `run-${++runs}`);
  const outputsDir = path.join(workDir, "outputs");
  mkdirSync(outputsDir, { recursive: true });
  const { config: text, files } = samplesheetFiles(
    loaded().schema,
    JSON.stringify(config),
    workDir,
  );
  for (const file of files) writeFileSync(path.join(workDir, file.name), file.content);
  writeFileSync(path.join(workDir, "config.json"), text);
  const result = spawnSync(process.execPath, [SCRIPT], {
    cwd: workDir,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      RUNPORT_CONFIG: path.join(workDir, "config.json"),
      RUNPORT_WORK_DIR: workDir,
      RUNPORT_OUTPUTS_DIR: outputsDir,
      RUNPORT_PIPELINE_DIR: PIPELINE_DIR,
      ...env,
    } as Record<string, string> as NodeJS.ProcessEnv,
  });
  return { ...result, workDir, outputsDir, configText: text };
}

interface Summary {
  fraction: number;
  seed: number;
  samples: {
    sample: string;
    meta: Record<string, unknown>;
    paired: boolean;
    readsIn: number;
    readsOut: number;
    files: { read: string; input: string; output: string }[];
  }[];
  totals: { samples: number; readsIn: number; readsOut: number };
}

describe("fastq-subsample's nf-core-style schema", () => {
  it("loads: the samplesheet parameter becomes an array of its rows, in its $defs group", () => {
    const { schema } = loaded();
    expect(samplesheetParams(schema)).toEqual([
      {
        name: "input",
        schemaFile: "assets/schema_input.json",
        columns: ["sample", "fastq_1", "fastq_2", "flowcell", "lane"],
      },
    ]);
    const group = (schema.$defs as Record<string, { properties: Record<string, unknown> }>)
      .input_output_options!;
    expect(group.properties.input).toMatchObject({
      type: "array",
      uniqueEntries: ["sample"],
      help_text: expect.stringContaining("Columns sample") as unknown,
      fa_icon: "fas fa-file-csv",
    });
    expect(group.properties.input).not.toHaveProperty("format");
  });

  it("checks every row with the samplesheet's keywords and its messages", () => {
    const validate = compileSchema(loaded().schema);
    expect(validateWith(validate, example)).toEqual([]);
    const problems = validateWith(validate, {
      fraction: 0,
      compression_level: 12,
      input: [
        { sample: "s 1", fastq_1: "data/a.fq" },
        { sample: "s2", fastq_1: "data/a.txt", lane: 2 },
        { sample: "s2", fastq_1: "data/b.fq" },
      ],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: "/input/0/sample",
          message:
            "Sample name must be provided: letters, digits, '.', '_' and '-', starting with a letter or digit",
        },
        {
          path: "/input/1/fastq_1",
          message:
            "FastQ file for reads 1 must be provided, cannot contain spaces and must end in .fastq, .fq, .fastq.gz or .fq.gz",
        },
        { path: "/input/1", message: expect.stringContaining("flowcell") as unknown },
        {
          path: "/input/2",
          message: 'repeats entry 2 (sample: "s2"); the combination of sample must be unique',
        },
        {
          path: "/fraction",
          message:
            "The fraction must be a number above 0 and at most 1 (0.1 keeps about one read in ten)",
        },
        {
          path: "/compression_level",
          message: "The gzip level must be a whole number from 1 to 9",
        },
      ]),
    );
    expect(problems).toHaveLength(6);
  });
});

describe("fastq-subsample", () => {
  it("keeps the same reads of R1 and R2, exactly those the seed chooses", () => {
    const result = runPipeline(example);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.configText)).toMatchObject({
      input: path.join(result.workDir, "input.csv"),
    });
    const summary = JSON.parse(
      readFileSync(path.join(result.outputsDir, "subsample.json"), "utf8"),
    ) as Summary;
    expect(summary.samples.map((s) => [s.sample, s.readsIn])).toEqual([
      ["sample1", 400],
      ["sample2", 300],
    ]);
    expect(summary.samples[0]?.meta).toEqual({ id: "sample1", flowcell: "HRP01AAXX", lane: 1 });
    for (const sample of summary.samples) {
      for (const file of sample.files) {
        const kept = expectedKept(path.join(PIPELINE_DIR, file.input), 42, 0.25);
        const written = fastqRecords(path.join(result.outputsDir, file.output));
        expect(written).toEqual(kept);
        expect(sample.readsOut).toBe(kept.length);
      }
    }
    // About a quarter, and R1 and R2 agree read by read.
    expect(summary.totals.readsOut).toBeGreaterThan(700 * 0.2);
    expect(summary.totals.readsOut).toBeLessThan(700 * 0.3);
    expect(result.stdout).toContain("::progress 100 Done");
  });

  it("gives the same reads again for the same seed, and others for another seed", () => {
    const read = (r: ReturnType<typeof runPipeline>) =>
      readFileSync(path.join(r.outputsDir, "sample1_R1.subsampled.fastq.gz"));
    const first = runPipeline(example);
    const again = runPipeline(example);
    const other = runPipeline({ ...example, seed: 7 });
    expect(gunzipSync(read(again))).toEqual(gunzipSync(read(first)));
    expect(gunzipSync(read(other))).not.toEqual(gunzipSync(read(first)));
  });

  it("reads a TSV samplesheet and single-end rows", () => {
    const workDir = path.join(tempRoot, "tsv");
    mkdirSync(path.join(workDir, "outputs"), { recursive: true });
    writeFileSync(
      path.join(workDir, "samples.tsv"),
      "sample\tfastq_1\tfastq_2\nsolo\tdata/sample2_R1.fastq\t\n",
    );
    writeFileSync(
      path.join(workDir, "config.json"),
      JSON.stringify({ input: "samples.tsv", fraction: 1 }),
    );
    const result = spawnSync(process.execPath, [SCRIPT, path.join(workDir, "config.json")], {
      cwd: workDir,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        RUNPORT_PIPELINE_DIR: PIPELINE_DIR,
      } as Record<string, string> as NodeJS.ProcessEnv,
    });
    expect(result.stderr).toBe("");
    const summary = JSON.parse(
      readFileSync(path.join(workDir, "outputs", "subsample.json"), "utf8"),
    ) as Summary;
    expect(summary.samples).toMatchObject([
      { sample: "solo", paired: false, readsIn: 300, readsOut: 300 },
    ]);
  });

  it("refuses a FASTQ outside the pipeline and data folders, and a missing one, with exit 2", () => {
    const outside = path.join(tempRoot, "outside.fastq");
    writeFileSync(outside, "@r1\nACGT\n+\nIIII\n");
    const outsideRun = runPipeline({ input: [{ sample: "x", fastq_1: outside }] });
    expect(outsideRun.status).toBe(2);
    expect(outsideRun.stderr).toContain("is outside the pipeline folder and the data folders");
    const allowed = runPipeline(
      { input: [{ sample: "x", fastq_1: outside }], fraction: 1 },
      { RUNPORT_DATA_ROOTS: tempRoot },
    );
    expect(allowed.status).toBe(0);
    const missing = runPipeline({ input: [{ sample: "x", fastq_1: "data/nope.fastq" }] });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("data/nope.fastq does not exist");
  });

  it("refuses R1 and R2 files whose reads do not pair up", () => {
    const result = runPipeline({
      input: [
        { sample: "x", fastq_1: "data/sample1_R1.fastq.gz", fastq_2: "data/sample2_R2.fastq" },
      ],
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/different numbers of reads|in R2/);
  });
});
