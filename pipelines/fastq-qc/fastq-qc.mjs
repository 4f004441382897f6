// fastq-qc: quality-control figures for the FASTQ files a run config lists.
// Plain Node.js with node: built-ins only; see README.md for the config and the outputs.
//
// Runport contract: the config comes from $RUNPORT_CONFIG (or the first argument when run by
// hand), results go to $RUNPORT_OUTPUTS_DIR, progress is reported with `::progress` lines.
// Exit codes: 0 done, 2 bad config or bad input data (message on stderr), 1 unexpected crash.
import { once } from "node:events";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { InputError, readConfig } from "./lib/config.mjs";
import { fastqStats } from "./lib/fastq.mjs";
import { allowedRoots, resolveFastqPath } from "./lib/paths.mjs";
import { buildReport, formatSummary, pairingProblems, toTsv } from "./lib/report.mjs";

const EXIT_BAD_INPUT = 2;
/** Inside a big file, progress is reported at most this often. */
const PROGRESS_INTERVAL_MS = 2000;
const scriptDir = path.dirname(fileURLToPath(import.meta.url));

async function print(text) {
  if (!process.stdout.write(text)) await once(process.stdout, "drain");
}

function warn(message) {
  process.stderr.write(`fastq-qc: warning: ${message}\n`);
}

function ownVersion() {
  try {
    return JSON.parse(readFileSync(path.join(scriptDir, "pipeline.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
}

function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Progress over all files, weighted by file size (compressed size for gzip files). */
function progressTracker(sizes) {
  const total = sizes.reduce((sum, size) => sum + size, 0);
  let done = 0;
  let lastReport = Date.now();
  // 0–99 for reading; 100 is printed once the outputs are written.
  const percentOf = (bytes, filesDone) =>
    total > 0
      ? Math.min(99, Math.floor((bytes / total) * 9900) / 100)
      : Math.floor((filesDone / sizes.length) * 9900) / 100;
  return {
    async during(index, bytesRead, label) {
      if (Date.now() - lastReport < PROGRESS_INTERVAL_MS) return;
      lastReport = Date.now();
      await print(`::progress ${percentOf(done + bytesRead, index)} Reading ${label}\n`);
    },
    async after(index, message) {
      done += sizes[index];
      lastReport = Date.now();
      await print(`::progress ${percentOf(done, index + 1)} ${message}\n`);
    },
  };
}

async function main() {
  const configPath = process.env.RUNPORT_CONFIG || process.argv[2];
  if (!configPath) {
    throw new InputError("no config: set RUNPORT_CONFIG or pass the config file as argument");
  }
  const config = readConfig(configPath);
  const pipelineDir = path.resolve(process.env.RUNPORT_PIPELINE_DIR || scriptDir);
  const outputsDir = process.env.RUNPORT_OUTPUTS_DIR || path.resolve("outputs");
  const pipeline = `${process.env.RUNPORT_PIPELINE || "fastq-qc"}@${
    process.env.RUNPORT_PIPELINE_VERSION || ownVersion()
  }`;

  // Every path is checked before any is read: a bad entry fails the run at once.
  const roots = allowedRoots(pipelineDir, process.env.RUNPORT_DATA_ROOTS, warn);
  const files = config.dataFiles.map((entry, i) =>
    resolveFastqPath(entry.fastqPath, `dataFiles[${i}]`, pipelineDir, roots),
  );
  const sizes = files.map((file) => statSync(file).size);
  const totalSize = sizes.reduce((sum, size) => sum + size, 0);
  await print(
    `fastq-qc ${pipeline}: ${files.length} FASTQ file(s), ${megabytes(totalSize)}, ` +
      `minQuality ${config.minQuality}\n`,
  );
  await print(`::progress 0 Checking ${files.length} FASTQ file(s)\n`);

  const progress = progressTracker(sizes);
  const counts = [];
  for (const [i, entry] of config.dataFiles.entries()) {
    const label = `${entry.fastqPath} (${entry.sampleName} ${entry.fastqCode})`;
    await print(`Reading dataFiles[${i}]: ${label}\n`);
    let result;
    try {
      result = await fastqStats(files[i], {
        gzip: entry.fastqPath.endsWith(".gz"),
        minQuality: config.minQuality,
        onRead: (bytes) => progress.during(i, bytes, label),
      });
    } catch (error) {
      if (error instanceof InputError) {
        throw new InputError(`dataFiles[${i}].fastqPath: ${error.message}`);
      }
      throw error;
    }
    counts.push(result);
    await progress.after(i, `Read ${i + 1} of ${files.length}: ${label}, ${result.reads} reads`);
  }

  const report = buildReport({
    pipeline,
    runId: process.env.RUNPORT_RUN_ID ?? null,
    config,
    counts,
  });
  mkdirSync(outputsDir, { recursive: true });
  writeFileSync(path.join(outputsDir, "qc.json"), JSON.stringify(report, null, 2) + "\n");
  writeFileSync(path.join(outputsDir, "qc.tsv"), toTsv(report));
  await print(`\n${formatSummary(report)}\n\nWrote qc.json and qc.tsv to ${outputsDir}\n`);

  // Checked last so that qc.json shows the counts that disagree.
  const problems = pairingProblems(report);
  if (problems.length > 0) {
    throw new InputError(`R1 and R2 files do not pair up: ${problems.join("; ")}`);
  }
  await print("::progress 100 Done\n");
}

main().catch((error) => {
  if (error instanceof InputError) {
    process.stderr.write(`fastq-qc: ${error.message}\n`);
    process.exitCode = EXIT_BAD_INPUT;
  } else {
    process.stderr.write(`fastq-qc: unexpected error: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  }
});
