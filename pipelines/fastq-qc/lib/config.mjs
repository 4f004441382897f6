// Reads and checks the run config. The server validated it against schema.json already; these
// checks repeat the rules the pipeline relies on, so that a config that reaches it another way
// (by hand, an older server) fails with a clear message instead of a confusing crash.
import { readFileSync } from "node:fs";

/** A problem with the config or the inputs it names: reported on stderr, exit code 2. */
export class InputError extends Error {}

// Other fields (the old portal's submitter, tasks, flowcell, ... and whatever a pipeline's
// `unknownProperties: "warn"` let through) are not used here and are ignored, not refused.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/u;
const SAFE_UNIT = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/u;
export const FASTQ_NAME = /^[^\x00-\x1f]+\.(fastq|fq)(\.gz)?$/u;
const PLATFORMS = ["ILLUMINA", "ONT", "PACBIO", "ELEMENT", "ULTIMA"];
export const MAX_FILES = 20000;

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A string field; JSON Schema lengths count code points, hence the spread. */
function text(object, key, where, { required = true, min = 1, max, pattern, oneOf }) {
  const value = object[key];
  const name = `${where}.${key}`;
  if (value === undefined) {
    if (required) throw new InputError(`${name} is required`);
    return undefined;
  }
  if (typeof value !== "string") throw new InputError(`${name} must be a string`);
  const length = [...value].length;
  if (length < min || length > max) {
    throw new InputError(`${name} must have ${min} to ${max} characters, not ${length}`);
  }
  if (pattern && !pattern.test(value)) {
    throw new InputError(`${name} must match ${pattern.source}, not ${JSON.stringify(value)}`);
  }
  if (oneOf && !oneOf.includes(value)) {
    throw new InputError(
      `${name} must be one of ${oneOf.join(", ")}, not ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function dataFile(entry, index) {
  const where = `dataFiles[${index}]`;
  if (!isObject(entry)) throw new InputError(`${where} must be an object`);
  const fastqPath = text(entry, "fastqPath", where, { max: 1024 });
  if (!FASTQ_NAME.test(fastqPath)) {
    throw new InputError(
      `${where}.fastqPath must end in .fastq, .fq, .fastq.gz or .fq.gz: ${JSON.stringify(fastqPath)}`,
    );
  }
  return {
    fastqPath,
    fastqCode: text(entry, "fastqCode", where, { max: 2, oneOf: ["R1", "R2"] }),
    sampleName: text(entry, "sampleName", where, { max: 64, pattern: SAFE_NAME }),
    rgsm: text(entry, "rgsm", where, { max: 64, pattern: SAFE_NAME }),
    rglb: text(entry, "rglb", where, { max: 64, pattern: SAFE_NAME }),
    rgpu: text(entry, "rgpu", where, { max: 64, pattern: SAFE_UNIT }),
    rgpl: text(entry, "rgpl", where, { required: false, max: 16, oneOf: PLATFORMS }) ?? "ILLUMINA",
  };
}

/** Reads the config file and returns it checked, with defaults applied. */
export function readConfig(file) {
  let config;
  try {
    config = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(`cannot read the config ${file}: ${error.message}`);
  }
  if (!isObject(config)) throw new InputError("the config must be a JSON object");

  const minQuality = config.minQuality ?? 20;
  if (!Number.isInteger(minQuality) || minQuality < 0 || minQuality > 60) {
    throw new InputError(`config.minQuality must be an integer from 0 to 60, not ${minQuality}`);
  }
  const files = config.dataFiles;
  if (!Array.isArray(files) || files.length < 1 || files.length > MAX_FILES) {
    throw new InputError(`config.dataFiles must be an array of 1 to ${MAX_FILES} entries`);
  }
  return {
    pipeline: text(config, "pipeline", "config", { max: 200, pattern: /^fastq-qc(@.+)?$/u }),
    project: text(config, "project", "config", { max: 100, pattern: SAFE_NAME }),
    study: text(config, "study", "config", { max: 100 }),
    email: text(config, "email", "config", { max: 254, pattern: /^[^\s@]+@[^\s@]+$/u }),
    description: text(config, "description", "config", { required: false, min: 0, max: 2000 }),
    minQuality,
    dataFiles: files.map(dataFile),
  };
}
