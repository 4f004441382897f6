// (h) the server's path checks (issue 11): a fastq-qc config of 10,000 dataFiles, each an
// absolute path to a real FASTQ file in a temporary data root (DATA_ROOTS), is checked as a
// submission checks it (collectPathTargets + checkPaths: realpath, held to the roots, stat),
// beside the JSON Schema validation of the same config. Worst of two runs each (target: the
// path check ≤ 1 s). Needs no build, database or Redis: `BENCH_PARTS=paths npm run bench`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { collectPathTargets } from "@/lib/schema/path-keywords";
import { compileSchema, validateWith } from "@/lib/schema/validate-config";
import { checkPaths } from "@/server/pipelines/check-paths";
import { fmt } from "./stats";

const FILES = 10_000;
const PIPELINE_DIR = path.resolve("pipelines/fastq-qc");

export interface PathCheckFigures {
  files: number;
  setupMs: number;
  /** Each run of the path check, then of the schema validation (ms). */
  pathRunsMs: number[];
  /** CPU time of each path check run (ms): what it costs whatever else the machine runs. */
  pathCpuMs: number[];
  schemaRunsMs: number[];
  problems: number;
}

async function createFiles(root: string): Promise<void> {
  // 100 folders of 100 files, as a sequencing run's lanes or samples would be.
  for (let d = 0; d < FILES / 100; d++) mkdirSync(path.join(root, `lane${d}`));
  const names = Array.from({ length: FILES }, (_, i) => fileOf(root, i));
  for (let i = 0; i < names.length; i += 64)
    await Promise.all(names.slice(i, i + 64).map((name) => writeFile(name, "@r\nACGT\n+\nIIII\n")));
}

function fileOf(root: string, i: number): string {
  const read = i % 2 === 0 ? "R1" : "R2";
  return path.join(root, `lane${Math.floor(i / 100)}`, `s${Math.floor(i / 2)}_${read}.fastq`);
}

function bigConfig(root: string): Record<string, unknown> {
  const example = JSON.parse(
    readFileSync(path.join(PIPELINE_DIR, "example.json"), "utf8"),
  ) as Record<string, unknown>;
  const dataFiles = Array.from({ length: FILES }, (_, i) => {
    const sample = `s${Math.floor(i / 2)}`;
    return {
      fastqPath: fileOf(root, i),
      fastqCode: i % 2 === 0 ? "R1" : "R2",
      sampleName: sample,
      rgsm: sample,
      rglb: "lib1",
      rgpu: "HRP01AAXX.1",
      rgpl: "ILLUMINA",
    };
  });
  return { ...example, dataFiles };
}

export async function measurePathChecks(): Promise<PathCheckFigures> {
  const root = mkdtempSync(path.join(tmpdir(), "runport-bench-paths-"));
  try {
    const started = performance.now();
    await createFiles(root);
    const setupMs = performance.now() - started;
    const schema = JSON.parse(
      readFileSync(path.join(PIPELINE_DIR, "schema.json"), "utf8"),
    ) as Record<string, unknown>;
    const config = bigConfig(root);
    const validate = compileSchema(schema);
    const roots = { pipelineDir: PIPELINE_DIR, dataRoots: [root] };
    const figures: PathCheckFigures = {
      files: FILES,
      setupMs,
      pathRunsMs: [],
      pathCpuMs: [],
      schemaRunsMs: [],
      problems: 0,
    };
    for (let run = 0; run < 2; run++) {
      let start = performance.now();
      const schemaProblems = validateWith(validate, config);
      figures.schemaRunsMs.push(performance.now() - start);
      start = performance.now();
      const cpu = process.cpuUsage();
      const problems = await checkPaths(collectPathTargets(schema, config), roots);
      figures.pathRunsMs.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      figures.pathCpuMs.push((used.user + used.system) / 1000);
      figures.problems += schemaProblems.length + problems.length;
    }
    return figures;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function pathCheckRows(figures: PathCheckFigures): string[][] {
  const worst = (xs: number[]) => Math.max(...xs);
  return [
    [
      `(h) path checks of a ${figures.files.toLocaleString("en")}-file fastq-qc config, worst of 2`,
      `${fmt(worst(figures.pathRunsMs), 0)} ms`,
      "target ≤ 1000 ms",
    ],
    [
      "(h) schema validation of the same config, worst of 2",
      `${fmt(worst(figures.schemaRunsMs), 0)} ms`,
      "",
    ],
  ];
}

export function pathCheckDetail(figures: PathCheckFigures): string {
  const runs = (xs: number[]) => xs.map((n) => fmt(n, 0)).join(", ");
  return `(h) path checks ${runs(figures.pathRunsMs)} ms (CPU ${runs(figures.pathCpuMs)} ms), schema ${runs(figures.schemaRunsMs)} ms; ${figures.problems} problems (expected 0); creating the ${figures.files} files took ${fmt(figures.setupMs / 1000)} s`;
}
