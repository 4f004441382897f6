import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PIPELINE_DIR = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(PIPELINE_DIR, "fastq-qc.mjs");
const tempRoot = mkdtempSync(path.join(os.tmpdir(), "runport-fastq-qc-test-"));
/** The only extra folder runs may read from (RUNPORT_DATA_ROOTS). */
const dataRoot = path.join(tempRoot, "data-root");
/** A folder no run may read from. */
const outsideDir = path.join(tempRoot, "outside");
let runCount = 0;
mkdirSync(dataRoot, { recursive: true });
mkdirSync(outsideDir, { recursive: true });

afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

type Base = "A" | "C" | "G" | "T" | "N";
const BASES: readonly Base[] = ["A", "C", "G", "T", "N"];
type Composition = Record<Base, number>;

interface FileFigures {
  fastqPath: string;
  fastqCode: string;
  sampleName: string;
  reads: number;
  bases: number;
  meanLength: number;
  minLength: number;
  maxLength: number;
  composition: Composition;
  compositionPercent: Composition;
  gcPercent: number;
  meanQuality: number;
  percentAtLeastMinQuality: number;
}

interface SampleFigures {
  sampleName: string;
  rgsm: string;
  rglb: string;
  rgpu: string;
  fastqCodes: string[];
  reads: number;
  bases: number;
  gcPercent: number;
  meanQuality: number;
}

interface QcReport {
  pipeline: string;
  runId: string;
  project: string;
  study: string;
  minQuality: number;
  files: FileFigures[];
  samples: SampleFigures[];
  totals: { files: number; samples: number; reads: number; bases: number };
}

interface DataFile {
  fastqPath: string;
  fastqCode: string;
  sampleName: string;
  rgsm: string;
  rglb: string;
  rgpu: string;
  rgpl?: string;
}

interface RunResult {
  runId: string;
  code: number | null;
  stdout: string;
  stderr: string;
  outputsDir: string;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8")) as unknown;
}

const example = readJson(path.join(PIPELINE_DIR, "example.json")) as {
  dataFiles: DataFile[];
} & Record<string, unknown>;

/** Runs fastq-qc.mjs as the worker does: no shell, fresh cwd, only the documented variables. */
function runQc(config: unknown): Promise<RunResult> {
  runCount++;
  const runId = `run-${runCount}`;
  const workDir = path.join(tempRoot, "runs", runId, "attempt-1");
  const outputsDir = path.join(workDir, "outputs");
  mkdirSync(outputsDir, { recursive: true });
  const configPath = path.join(workDir, "config.json");
  writeFileSync(configPath, JSON.stringify(config));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: workDir,
    LANG: "C.UTF-8",
    TZ: "UTC",
    TMPDIR: os.tmpdir(),
    RUNPORT_RUN_ID: runId,
    RUNPORT_ATTEMPT: "1",
    RUNPORT_CONFIG: configPath,
    RUNPORT_WORK_DIR: workDir,
    RUNPORT_OUTPUTS_DIR: outputsDir,
    RUNPORT_PIPELINE: "fastq-qc",
    RUNPORT_PIPELINE_VERSION: "1.0.0",
    RUNPORT_PIPELINE_DIR: PIPELINE_DIR,
    RUNPORT_DATA_ROOTS: dataRoot,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], {
      cwd: workDir,
      env: env as NodeJS.ProcessEnv,
      stdio: "pipe",
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        runId,
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        outputsDir,
      }),
    );
  });
}

/** The example config with other data files. */
function configWith(dataFiles: DataFile[]): Record<string, unknown> {
  return { ...example, dataFiles };
}

function entry(fastqPath: string, fastqCode = "R1", sampleName = "s1"): DataFile {
  return { fastqPath, fastqCode, sampleName, rgsm: sampleName, rglb: "lib1", rgpu: "FC.1" };
}

/** A small valid FASTQ text: `reads` records of 4 bases. */
function fastqText(reads: number): string {
  let text = "";
  for (let i = 1; i <= reads; i++) text += `@read${i}\nACGN\n+\nII#5\n`;
  return text;
}

function isBase(char: string): char is Base {
  return (BASES as readonly string[]).includes(char);
}

/**
 * An independent, deliberately simple reader (whole file, string split) used to check the
 * pipeline's streaming figures.
 */
function expectedFigures(file: string, minQuality: number) {
  const raw = readFileSync(file);
  const text = (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("latin1");
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  expect(lines.length % 4).toBe(0);
  const composition: Composition = { A: 0, C: 0, G: 0, T: 0, N: 0 };
  let reads = 0;
  let bases = 0;
  let qualitySum = 0;
  let atLeastMin = 0;
  let minLength = Number.MAX_SAFE_INTEGER;
  let maxLength = 0;
  for (let i = 0; i < lines.length; i += 4) {
    const sequence = lines[i + 1] ?? "";
    const quality = lines[i + 3] ?? "";
    // Plain checks, not expect(), per record: expect() per base would make this slow.
    if (!lines[i]?.startsWith("@") || !lines[i + 2]?.startsWith("+")) {
      throw new Error(`${file}: bad record at line ${i + 1}`);
    }
    if (quality.length !== sequence.length) throw new Error(`${file}: length at line ${i + 4}`);
    reads++;
    bases += sequence.length;
    minLength = Math.min(minLength, sequence.length);
    maxLength = Math.max(maxLength, sequence.length);
    for (const base of sequence) {
      if (!isBase(base)) throw new Error(`${file}: unexpected base ${base} at line ${i + 2}`);
      composition[base]++;
    }
    for (const char of quality) {
      const q = char.charCodeAt(0) - 33;
      qualitySum += q;
      if (q >= minQuality) atLeastMin++;
    }
  }
  return { reads, bases, minLength, maxLength, composition, qualitySum, atLeastMin };
}

/** Rounded to 2 decimals means at most 0.005 away from the exact value. */
function expectRounded(actual: number, exact: number): void {
  expect(Math.abs(actual - exact)).toBeLessThanOrEqual(0.005 + 1e-9);
  expect(Math.round(actual * 100)).toBeCloseTo(actual * 100, 6);
}

function gcOf(c: Composition): number {
  return ((c.G + c.C) * 100) / (c.A + c.C + c.G + c.T);
}

describe("fastq-qc on the example config", () => {
  let result: RunResult;
  let report: QcReport;

  beforeAll(async () => {
    result = await runQc(example);
    report = readJson(path.join(result.outputsDir, "qc.json")) as QcReport;
  });

  it("succeeds and reports progress after each file", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const progress = result.stdout
      .split("\n")
      .filter((line) => line.startsWith("::progress "))
      .map((line) => Number(line.split(" ")[1]));
    expect(progress).toHaveLength(1 + 4 + 1);
    expect(progress[0]).toBe(0);
    expect(progress[progress.length - 1]).toBe(100);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(result.stdout).toMatch(/::progress [\d.]+ Read 4 of 4: data\/sample2_R2\.fastq/);
  });

  it("has the known fixture totals", () => {
    expect(report.files.map((f) => [f.fastqPath, f.reads, f.bases])).toEqual([
      ["data/sample1_R1.fastq.gz", 400, 39331],
      ["data/sample1_R2.fastq.gz", 400, 39241],
      ["data/sample2_R1.fastq", 300, 29575],
      ["data/sample2_R2.fastq", 300, 29564],
    ]);
    expect(report.totals).toEqual({ files: 4, samples: 2, reads: 1400, bases: 137711 });
    expect(report).toMatchObject({
      pipeline: "fastq-qc@1.0.0",
      runId: result.runId,
      project: "demo-qc",
      study: "DEMO-001",
      minQuality: 20,
    });
  });

  it("matches figures computed independently from the fixture files", () => {
    example.dataFiles.forEach((dataFile, i) => {
      const file = report.files[i];
      if (!file) throw new Error(`no report for file ${i}`);
      const expected = expectedFigures(path.join(PIPELINE_DIR, dataFile.fastqPath), 20);
      expect(file).toMatchObject({
        fastqPath: dataFile.fastqPath,
        fastqCode: dataFile.fastqCode,
        sampleName: dataFile.sampleName,
        reads: expected.reads,
        bases: expected.bases,
        minLength: expected.minLength,
        maxLength: expected.maxLength,
        composition: expected.composition,
      });
      expect(expected.composition.N).toBeGreaterThan(0);
      expectRounded(file.meanLength, expected.bases / expected.reads);
      expectRounded(file.gcPercent, gcOf(expected.composition));
      expectRounded(file.meanQuality, expected.qualitySum / expected.bases);
      expectRounded(file.percentAtLeastMinQuality, (expected.atLeastMin * 100) / expected.bases);
      for (const base of BASES) {
        expectRounded(
          file.compositionPercent[base],
          (expected.composition[base] * 100) / expected.bases,
        );
      }
    });
  });

  it("sums the files of each sample", () => {
    expect(report.samples.map((s) => s.sampleName)).toEqual(["sample1", "sample2"]);
    for (const sample of report.samples) {
      const dataFiles = example.dataFiles.filter((f) => f.sampleName === sample.sampleName);
      const figures = dataFiles.map((f) =>
        expectedFigures(path.join(PIPELINE_DIR, f.fastqPath), 20),
      );
      const composition: Composition = { A: 0, C: 0, G: 0, T: 0, N: 0 };
      for (const f of figures) for (const base of BASES) composition[base] += f.composition[base];
      const bases = figures.reduce((t, f) => t + f.bases, 0);
      expect(sample).toMatchObject({
        rgsm: sample.sampleName,
        fastqCodes: ["R1", "R2"],
        reads: figures.reduce((t, f) => t + f.reads, 0),
        bases,
      });
      expectRounded(sample.gcPercent, gcOf(composition));
      expectRounded(sample.meanQuality, figures.reduce((t, f) => t + f.qualitySum, 0) / bases);
    }
  });

  it("writes qc.tsv with a header and one row per file", () => {
    const rows = readFileSync(path.join(result.outputsDir, "qc.tsv"), "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => line.split("\t"));
    expect(rows).toHaveLength(5);
    const header = rows[0] ?? [];
    expect(header.slice(0, 5)).toEqual(["fastqPath", "fastqCode", "sampleName", "reads", "bases"]);
    expect(header).toContain("gcPercent");
    expect(header).toContain("percentAtLeastMinQuality");
    report.files.forEach((file, i) => {
      const row = rows[i + 1] ?? [];
      expect(row).toHaveLength(header.length);
      const cell = (name: string) => row[header.indexOf(name)];
      expect(cell("fastqPath")).toBe(file.fastqPath);
      expect(cell("reads")).toBe(String(file.reads));
      expect(cell("bases")).toBe(String(file.bases));
      expect(cell("N")).toBe(String(file.composition.N));
      expect(cell("meanQuality")).toBe(String(file.meanQuality));
    });
  });

  it("prints a summary table", () => {
    expect(result.stdout).toMatch(/data\/sample1_R1\.fastq\.gz\s+R1\s+sample1\s+400\s+39331/);
    expect(result.stdout).toContain("Total: 4 files, 2 samples, 1400 reads, 137711 bases");
  });
});

describe("fastq-qc input checks", () => {
  beforeAll(() => {
    writeFileSync(path.join(dataRoot, "ok.fastq"), fastqText(3));
    writeFileSync(path.join(outsideDir, "secret.fastq"), fastqText(2));
    symlinkSync(path.join(outsideDir, "secret.fastq"), path.join(dataRoot, "link.fastq"));
  });

  it("reads absolute paths inside RUNPORT_DATA_ROOTS", async () => {
    const result = await runQc(configWith([entry(path.join(dataRoot, "ok.fastq"))]));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = readJson(path.join(result.outputsDir, "qc.json")) as QcReport;
    expect(report.files[0]).toMatchObject({
      reads: 3,
      bases: 12,
      composition: { A: 3, C: 3, G: 3, T: 0, N: 3 },
      gcPercent: 66.67,
      meanQuality: 25.5, // I=40, #=2, 5=20 over 4 bases: (40 + 40 + 2 + 20) / 4
      percentAtLeastMinQuality: 75,
    });
  });

  it.each([
    ["a file outside the allowed folders", path.join(outsideDir, "secret.fastq")],
    ["a system file", "/etc/passwd.fastq"],
  ])("refuses %s", async (_what, fastqPath) => {
    const result = await runQc(configWith([entry("data/sample1_R1.fastq.gz"), entry(fastqPath)]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("dataFiles[1].fastqPath");
    expect(result.stderr).toContain("outside the allowed folders");
    expect(existsSync(path.join(result.outputsDir, "qc.json"))).toBe(false);
  });

  it("refuses a symbolic link that leads outside the allowed folders", async () => {
    const result = await runQc(configWith([entry(path.join(dataRoot, "link.fastq"))]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("dataFiles[0].fastqPath");
    expect(result.stderr).toContain("symbolic link");
  });

  it.skipIf(process.getuid?.() !== 0)(
    "refuses a hard link inside a data root while it runs as root",
    async () => {
      linkSync(path.join(outsideDir, "secret.fastq"), path.join(dataRoot, "hard.fastq"));
      const result = await runQc(configWith([entry(path.join(dataRoot, "hard.fastq"))]));
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("dataFiles[0].fastqPath");
      expect(result.stderr).toContain("has 2 hard links, refused while the pipeline runs as root");
      expect(existsSync(path.join(result.outputsDir, "qc.json"))).toBe(false);
    },
  );

  it("refuses relative paths with '..' segments", async () => {
    const result = await runQc(configWith([entry("data/../../hello/x.fastq")]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("dataFiles[0].fastqPath");
    expect(result.stderr).toContain('".." path segments are not allowed');
  });

  it("names a missing file", async () => {
    const result = await runQc(configWith([entry("data/missing.fastq")]));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /dataFiles\[0\]\.fastqPath: file not found: .*data\/missing\.fastq/,
    );
  });

  it.each([
    ["a bad separator", fastqText(1) + "@r2\nACGT\nIIII\nIIII\n", 7, 'starting with "+"'],
    ["a bad header", fastqText(1) + "r2\nACGT\n+\nIIII\n", 5, 'starting with "@"'],
    ["a short quality", fastqText(1) + "@r2\nACGT\n+\nIII\n", 8, "quality has 3 characters"],
    ["an invalid base", fastqText(1) + "@r2\nAC-T\n+\nIIII\n", 6, "invalid base"],
    ["a truncated record", fastqText(1) + "@r2\nACGT\n", 5, "incomplete"],
  ])("fails on %s, naming the file and line", async (name, text, line, problem) => {
    const file = path.join(dataRoot, `bad-${name.replaceAll(" ", "-")}.fastq`);
    writeFileSync(file, text);
    const result = await runQc(configWith([entry("data/sample2_R1.fastq"), entry(file)]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("dataFiles[1].fastqPath: malformed FASTQ");
    expect(result.stderr).toContain(`${file} at line ${line}:`);
    expect(result.stderr).toContain(problem);
  });

  it("fails on a .gz file that is not gzip", async () => {
    const file = path.join(dataRoot, "plain.fastq.gz");
    writeFileSync(file, fastqText(2));
    const result = await runQc(configWith([entry(file)]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("not a valid gzip file");
  });

  it("ignores fields it does not use (the old portal's, or undeclared ones the server let through)", async () => {
    const config = {
      ...configWith([{ ...entry("data/sample2_R1.fastq"), ...{ flowcell: "HX1", rgks: "ACGT" } }]),
      submitter: "alice",
      tasks: { Genome_alignment: true },
      patCode: "NA12878",
    };
    const result = await runQc(config);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });

  it("fails when a sample's R1 and R2 files have different read counts", async () => {
    const result = await runQc(
      configWith([
        entry("data/sample1_R1.fastq.gz", "R1", "mixed"),
        entry("data/sample2_R2.fastq", "R2", "mixed"),
      ]),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("sample mixed: R1 has 400 reads but R2 has 300");
    // The report is still written, to show the counts that disagree.
    expect(existsSync(path.join(result.outputsDir, "qc.json"))).toBe(true);
  });

  it.each([
    [{ ...example, dataFiles: [] }, "config.dataFiles must be an array"],
    [{ ...example, email: undefined }, "config.email is required"],
    [configWith([{ ...entry("data/x.txt") }]), "must end in .fastq"],
    [configWith([{ ...entry("data/sample2_R1.fastq"), fastqCode: "R3" }]), "must be one of R1, R2"],
  ])("rejects an invalid config with exit code 2 (%#)", async (config, message) => {
    const result = await runQc(config);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe("fastq-qc definition", () => {
  const schema = readJson(path.join(PIPELINE_DIR, "schema.json")) as Record<string, unknown>;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it("pipeline.json names the script and the files", () => {
    expect(readJson(path.join(PIPELINE_DIR, "pipeline.json"))).toMatchObject({
      name: "fastq-qc",
      version: "1.0.0",
      command: ["node", "{pipelineDir}/fastq-qc.mjs"],
      schema: "schema.json",
      example: "example.json",
    });
  });

  it("example.json validates against schema.json", () => {
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(example).toMatchObject({ pipeline: "fastq-qc@1.0.0", project: "demo-qc" });
  });

  it.each([
    ["a '..' segment", { fastqPath: "data/../secret.fastq" }],
    ["a leading '..'", { fastqPath: "../x.fq" }],
    ["a wrong extension", { fastqPath: "data/sample1.bam" }],
    ["an unknown read code", { fastqCode: "R3" }],
    ["an unknown platform", { rgpl: "SANGER" }],
    ["an unsafe sample name", { sampleName: "s 1;rm" }],
    ["an unknown field", { flowcellLane: 1 }],
    ["an unknown library type", { glType: "genomic" }],
    ["a read count that is not a number", { numberOfReads: "many" }],
  ])("schema rejects a data file with %s", (_what, change) => {
    const config = configWith([{ ...entry("data/a.fastq"), ...change }]);
    expect(validate(config)).toBe(false);
  });

  it.each([
    [{ project: "demo qc" }],
    [{ email: "not-an-email" }],
    [{ minQuality: 61 }],
    [{ pipeline: "hello@1.0.0" }],
    [{ dataFiles: [] }],
  ])("schema rejects %j", (change) => {
    expect(validate({ ...example, ...change })).toBe(false);
  });

  it("schema accepts absolute paths, '..' inside names and the documented defaults", () => {
    const config = configWith([
      entry("/data/run42/S1_L001_R1_001.fastq.gz"),
      entry("/data/run42/S1..v2_R2.fq", "R2"),
    ]);
    expect(validate({ ...config, minQuality: 30 }), JSON.stringify(validate.errors)).toBe(true);
  });

  it("documents every field", () => {
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    const items = (properties.dataFiles?.items ?? {}) as { properties: Record<string, object> };
    const all = { ...properties, ...items.properties } as Record<string, { description?: string }>;
    expect(Object.keys(all)).toHaveLength(51);
    for (const [key, property] of Object.entries(all)) {
      expect(property.description, key).toMatch(/\S/);
    }
  });

  it("ships fixtures that the generator reproduces exactly", () => {
    const out = path.join(tempRoot, "fixtures");
    const generated = spawnSync(
      process.execPath,
      [path.join(PIPELINE_DIR, "tools", "make-fixtures.mjs"), out],
      { encoding: "utf8" },
    );
    expect(generated.status, generated.stderr).toBe(0);
    for (const dataFile of example.dataFiles) {
      const name = path.basename(dataFile.fastqPath);
      const shipped = readFileSync(path.join(PIPELINE_DIR, "data", name));
      const fresh = readFileSync(path.join(out, name));
      // Compare content, not gzip bytes: another zlib build may compress differently.
      const content = (bytes: Buffer) => (name.endsWith(".gz") ? gunzipSync(bytes) : bytes);
      expect(content(fresh).equals(content(shipped)), name).toBe(true);
    }
  });
});
