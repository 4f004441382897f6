// fastq-subsample: keeps a reproducible random fraction of each sample's reads.
// Plain Node.js with node: built-ins only; see README.md for the parameters and the outputs.
//
// Runport contract: the config comes from $RUNPORT_CONFIG (or the first argument when run by
// hand); its `input` is the path of the samplesheet CSV the worker wrote (or, by hand, the
// rows inline); results go to $RUNPORT_OUTPUTS_DIR; progress is reported with `::progress`.
// Exit codes: 0 done, 2 bad config or bad input data (message on stderr), 1 unexpected crash.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { realpathSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createGunzip, createGzip } from "node:zlib";

class InputError extends Error {}

const EXIT_BAD_INPUT = 2;
const SAMPLE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/u;
const FASTQ = /^\S+\.f(ast)?q(\.gz)?$/u;
const scriptDir = path.dirname(fileURLToPath(import.meta.url));

async function print(text) {
  if (!process.stdout.write(text)) await once(process.stdout, "drain");
}

function isInside(file, dir) {
  const relative = path.relative(dir, file);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** The folders runs may read from: the pipeline folder and RUNPORT_DATA_ROOTS, resolved. */
function allowedRoots(pipelineDir) {
  const given = [pipelineDir, ...(process.env.RUNPORT_DATA_ROOTS ?? "").split(":")];
  const roots = [];
  for (const dir of given.filter((d) => path.isAbsolute(d))) {
    try {
      roots.push(realpathSync(dir));
    } catch {
      // A data folder that does not exist allows nothing.
    }
  }
  return roots;
}

/** The real path of a FASTQ file named by the samplesheet, or an InputError naming the cell. */
function resolveFastq(value, where, pipelineDir, roots) {
  if (value.includes("\0")) throw new InputError(`${where} contains a NUL character`);
  const absolute = path.resolve(pipelineDir, value);
  let real;
  try {
    real = realpathSync(absolute);
  } catch {
    real = null;
  }
  // The same answer whether or not a file outside exists.
  if (!roots.some((root) => isInside(real ?? absolute, root)))
    throw new InputError(`${where}: ${value} is outside the pipeline folder and the data folders`);
  if (real === null) throw new InputError(`${where}: ${value} does not exist`);
  if (!statSync(real).isFile()) throw new InputError(`${where}: ${value} is not a file`);
  return real;
}

/** RFC 4180 CSV or TSV (tabs when the header has more tabs than commas) into records. */
export function parseSamplesheet(text) {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const header = body.slice(0, body.search(/\r?\n|$/u));
  const separator = header.split("\t").length > header.split(",").length ? "\t" : ",";
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === separator) (row.push(field), (field = ""));
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && body[i + 1] === "\n") i++;
      (row.push(field), rows.push(row), (row = []), (field = ""));
    } else field += c;
  }
  if (field !== "" || row.length > 0) (row.push(field), rows.push(row));
  const [names = [], ...data] = rows.filter((r) => r.some((cell) => cell !== ""));
  return data.map((r) => Object.fromEntries(names.map((name, i) => [name, r[i] ?? ""])));
}

function readInput(config, configPath) {
  if (Array.isArray(config.input)) return config.input;
  if (typeof config.input !== "string") throw new InputError("input is required");
  const base = process.env.RUNPORT_WORK_DIR || path.dirname(path.resolve(configPath));
  const file = path.resolve(base, config.input);
  try {
    return parseSamplesheet(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(`input: cannot read the samplesheet ${config.input}: ${error.message}`);
  }
}

function number(config, key, fallback, { min, max, integer }) {
  const value = config[key] ?? fallback;
  const ok = typeof value === "number" && value >= min && value <= max;
  if (!ok || (integer && !Number.isInteger(value)))
    throw new InputError(`${key} must be ${integer ? "a whole number" : "a number"} ${min}–${max}`);
  return value;
}

/** Checks the rows as the samplesheet schema does (the server checked them already). */
function checkRows(rows) {
  if (rows.length === 0) throw new InputError("input: the samplesheet has no rows");
  const seen = new Map();
  return rows.map((row, i) => {
    const where = `input row ${i + 1}`;
    const sample = String(row.sample ?? "");
    if (!SAMPLE.test(sample)) throw new InputError(`${where}: sample ${sample} is not a name`);
    if (seen.has(sample))
      throw new InputError(`${where}: sample ${sample} repeats row ${seen.get(sample) + 1}`);
    seen.set(sample, i);
    const fastqs = [row.fastq_1, row.fastq_2].filter((f) => f !== undefined && f !== "");
    if (fastqs.length === 0 || !row.fastq_1) throw new InputError(`${where}: fastq_1 is required`);
    for (const f of fastqs)
      if (!FASTQ.test(String(f))) throw new InputError(`${where}: ${f} is not a FASTQ file name`);
    const meta = { id: sample };
    if (row.flowcell) meta.flowcell = String(row.flowcell);
    if (row.lane !== undefined && row.lane !== "") meta.lane = Number(row.lane);
    return { sample, fastqs: fastqs.map(String), meta };
  });
}

/** Reads of one FASTQ file, one record (4 lines) at a time. */
async function* records(file, label) {
  const input = createReadStream(file);
  const lines = createInterface({
    input: file.endsWith(".gz") ? input.pipe(createGunzip()) : input,
    crlfDelay: Infinity,
  });
  let record = [];
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (record.length === 0 && line === "") continue;
    record.push(line);
    if (record.length === 1 && !line.startsWith("@"))
      throw new InputError(`${label}: line ${lineNumber} should start a record with @`);
    if (record.length === 4) {
      yield record;
      record = [];
    }
  }
  if (record.length > 0) throw new InputError(`${label}: the last record is incomplete`);
}

/** The read's name without its comment and its /1 or /2 mate suffix: the same in R1 and R2. */
export function readName(header) {
  return header
    .slice(1)
    .split(/\s/u, 1)[0]
    .replace(/\/[12]$/u, "");
}

/** Whether a read is kept: a hash of seed and name, so pairs and reruns agree. */
export function keeps(name, seed, fraction) {
  const hash = createHash("sha256").update(`${seed}\t${name}`).digest();
  return hash.readUInt32BE(0) / 2 ** 32 < fraction;
}

async function subsampleSample(entry, files, settings, outputsDir) {
  const codes = files.length === 2 ? ["R1", "R2"] : ["R1"];
  const outputs = codes.map((code) => `${entry.sample}_${code}.subsampled.fastq.gz`);
  const writers = outputs.map((name) => {
    const gzip = createGzip({ level: settings.level });
    gzip.pipe(createWriteStream(path.join(outputsDir, name)));
    return gzip;
  });
  const readers = files.map((f, i) => records(f, `${entry.sample} ${codes[i]}`));
  let readsIn = 0;
  let readsOut = 0;
  for (;;) {
    const next = await Promise.all(readers.map((r) => r.next()));
    if (next.every((n) => n.done)) break;
    if (next.some((n) => n.done))
      throw new InputError(`${entry.sample}: R1 and R2 have different numbers of reads`);
    const names = next.map((n) => readName(n.value[0]));
    if (names.some((n) => n !== names[0]))
      throw new InputError(
        `${entry.sample}: read ${readsIn + 1} is ${names.join(" in R1, ")} in R2`,
      );
    readsIn++;
    if (!keeps(names[0], settings.seed, settings.fraction)) continue;
    readsOut++;
    for (const [i, n] of next.entries()) {
      if (!writers[i].write(`${n.value.join("\n")}\n`)) await once(writers[i], "drain");
    }
  }
  await Promise.all(writers.map((w) => new Promise((resolve) => w.end(resolve))));
  return {
    sample: entry.sample,
    meta: entry.meta,
    paired: files.length === 2,
    readsIn,
    readsOut,
    files: codes.map((code, i) => ({ read: code, input: entry.fastqs[i], output: outputs[i] })),
  };
}

function toTsv(samples) {
  const lines = ["sample\tpaired\treads_in\treads_out\toutputs"];
  for (const s of samples)
    lines.push(
      [s.sample, s.paired, s.readsIn, s.readsOut, s.files.map((f) => f.output).join(",")].join(
        "\t",
      ),
    );
  return `${lines.join("\n")}\n`;
}

async function main() {
  const configPath = process.env.RUNPORT_CONFIG || process.argv[2];
  if (!configPath) throw new InputError("no config: set RUNPORT_CONFIG or pass it as argument");
  let config;
  try {
    config = JSON.parse(readFileSync(configPath, "utf8"));
  } catch (error) {
    throw new InputError(`cannot read the config ${configPath}: ${error.message}`);
  }
  const settings = {
    fraction: number(config, "fraction", 0.1, { min: Number.MIN_VALUE, max: 1 }),
    seed: number(config, "seed", 42, { min: 0, max: 2 ** 32 - 1, integer: true }),
    level: number(config, "compression_level", 6, { min: 1, max: 9, integer: true }),
  };
  const pipelineDir = path.resolve(process.env.RUNPORT_PIPELINE_DIR || scriptDir);
  const outputsDir = process.env.RUNPORT_OUTPUTS_DIR || path.resolve("outputs");
  const roots = allowedRoots(pipelineDir);
  const entries = checkRows(readInput(config, configPath));
  // Every path is checked before any is read: a bad row fails the run at once.
  const files = entries.map((entry, i) =>
    entry.fastqs.map((f, j) =>
      resolveFastq(f, `input row ${i + 1} fastq_${j + 1}`, pipelineDir, roots),
    ),
  );
  await print(
    `fastq-subsample: ${entries.length} sample(s), fraction ${settings.fraction}, seed ${settings.seed}\n`,
  );
  mkdirSync(outputsDir, { recursive: true });
  const samples = [];
  for (const [i, entry] of entries.entries()) {
    const result = await subsampleSample(entry, files[i], settings, outputsDir);
    samples.push(result);
    const percent = Math.floor(((i + 1) / entries.length) * 99);
    await print(
      `::progress ${percent} ${entry.sample}: kept ${result.readsOut} of ${result.readsIn} reads\n`,
    );
  }
  const totals = {
    samples: samples.length,
    readsIn: samples.reduce((n, s) => n + s.readsIn, 0),
    readsOut: samples.reduce((n, s) => n + s.readsOut, 0),
  };
  const summary = {
    pipeline: `${process.env.RUNPORT_PIPELINE || "fastq-subsample"}@${process.env.RUNPORT_PIPELINE_VERSION || "1.0.0"}`,
    runId: process.env.RUNPORT_RUN_ID ?? null,
    project: config.project ?? null,
    fraction: settings.fraction,
    seed: settings.seed,
    samples,
    totals,
  };
  writeFileSync(path.join(outputsDir, "subsample.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(path.join(outputsDir, "subsample.tsv"), toTsv(samples));
  await print(`Kept ${totals.readsOut} of ${totals.readsIn} reads; wrote subsample.json\n`);
  await print("::progress 100 Done\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    if (error instanceof InputError) {
      process.stderr.write(`fastq-subsample: ${error.message}\n`);
      process.exitCode = EXIT_BAD_INPUT;
    } else {
      process.stderr.write(`fastq-subsample: unexpected error: ${error?.stack ?? error}\n`);
      process.exitCode = 1;
    }
  });
}
