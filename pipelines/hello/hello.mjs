// Runport's demo pipeline: greets someone, reports progress, optionally floods the log,
// writes two small outputs and exits with the requested code.
// Plain Node.js with node: built-ins only, so that it runs wherever a worker runs.
//
// Contract (see README.md): the config comes from $RUNPORT_CONFIG (or the first argument
// when run by hand), outputs go to $RUNPORT_OUTPUTS_DIR, progress is reported with
// `::progress <percent> <message>` lines on stdout.
import { once } from "node:events";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Exit code for a config or environment the pipeline cannot work with. */
const EXIT_BAD_INPUT = 2;
/** Log lines are joined into batches so that millions of lines cost few write calls. */
const LINES_PER_BATCH = 2000;

class InputError extends Error {}

const ALLOWED_KEYS = [
  "name",
  "greeting",
  "sleepSeconds",
  "steps",
  "exitCode",
  "lines",
  "pipeline",
  "project",
];

/** JSON Schema lengths count code points, not UTF-16 units. */
function codePoints(text) {
  return [...text].length;
}

function checkString(config, key, { required = false, fallback, min = 0, max, pattern }) {
  const value = config[key];
  if (value === undefined) {
    if (required) throw new InputError(`config.${key} is required`);
    return fallback;
  }
  if (typeof value !== "string") throw new InputError(`config.${key} must be a string`);
  const length = codePoints(value);
  if (length < min || (max !== undefined && length > max)) {
    throw new InputError(`config.${key} must have ${min} to ${max} characters, not ${length}`);
  }
  if (pattern && !pattern.test(value)) {
    throw new InputError(`config.${key} must match ${pattern.source}`);
  }
  return value;
}

function checkNumber(config, key, { fallback, min, max, integer = false }) {
  const value = config[key];
  if (value === undefined) return fallback;
  const kind = integer ? "an integer" : "a number";
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new InputError(`config.${key} must be ${kind}, not ${JSON.stringify(value)}`);
  }
  if (value < min || value > max) {
    throw new InputError(`config.${key} must be between ${min} and ${max}, not ${value}`);
  }
  return value;
}

/** Reads the config and applies the defaults documented in schema.json. */
function readConfig(file) {
  let config;
  try {
    config = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(`cannot read the config ${file}: ${error.message}`);
  }
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new InputError("the config must be a JSON object");
  }
  const unknown = Object.keys(config).filter((key) => !ALLOWED_KEYS.includes(key));
  if (unknown.length > 0) {
    throw new InputError(
      `unknown config field(s): ${unknown.join(", ")}; allowed: ${ALLOWED_KEYS.join(", ")}`,
    );
  }
  return {
    name: checkString(config, "name", { required: true, min: 1, max: 100 }),
    greeting: checkString(config, "greeting", { fallback: "Hello", min: 1, max: 100 }),
    sleepSeconds: checkNumber(config, "sleepSeconds", { fallback: 0, min: 0, max: 86400 }),
    steps: checkNumber(config, "steps", { fallback: 5, min: 1, max: 1000, integer: true }),
    exitCode: checkNumber(config, "exitCode", { fallback: 0, min: 0, max: 255, integer: true }),
    lines: checkNumber(config, "lines", { fallback: 0, min: 0, max: 10_000_000, integer: true }),
    pipeline: checkString(config, "pipeline", { pattern: /^hello(@.*)?$/u }),
    project: checkString(config, "project", { min: 1, max: 100 }),
  };
}

/** Writes to stdout and waits when the pipe is full, so a slow reader never costs memory. */
async function print(text) {
  if (!process.stdout.write(text)) await once(process.stdout, "drain");
}

async function printNumberedLines(count) {
  let batch = [];
  for (let i = 1; i <= count; i++) {
    batch.push(`log line ${i} of ${count}`);
    if (batch.length === LINES_PER_BATCH || i === count) {
      await print(batch.join("\n") + "\n");
      batch = [];
    }
  }
}

async function main() {
  const configPath = process.env.RUNPORT_CONFIG || process.argv[2];
  if (!configPath) {
    throw new InputError("no config: set RUNPORT_CONFIG or pass the config file as argument");
  }
  const config = readConfig(configPath);
  // Outside Runport (by hand) the outputs land in ./outputs.
  const outputsDir = process.env.RUNPORT_OUTPUTS_DIR || path.resolve("outputs");
  mkdirSync(outputsDir, { recursive: true });

  const line = `${config.greeting}, ${config.name}!`;
  await print(line + "\n");
  await printNumberedLines(config.lines);

  const stepMs = (config.sleepSeconds * 1000) / config.steps;
  for (let step = 1; step <= config.steps; step++) {
    if (stepMs > 0) await sleep(stepMs);
    const percent = Math.round((step * 10000) / config.steps) / 100;
    await print(`::progress ${percent} Step ${step} of ${config.steps}\n`);
  }

  writeFileSync(path.join(outputsDir, "greeting.txt"), line + "\n");
  const summary = {
    name: config.name,
    greeting: config.greeting,
    steps: config.steps,
    exitCode: config.exitCode,
    runId: process.env.RUNPORT_RUN_ID ?? null,
  };
  writeFileSync(path.join(outputsDir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  await print(`Wrote greeting.txt and summary.json to ${outputsDir}\n`);

  if (config.exitCode !== 0) {
    process.stderr.write(`Exiting with code ${config.exitCode}, as the config asks.\n`);
  }
  // exitCode instead of process.exit(): pending stdout writes still reach the pipe.
  process.exitCode = config.exitCode;
}

main().catch((error) => {
  if (error instanceof InputError) {
    process.stderr.write(`hello: ${error.message}\n`);
    process.exitCode = EXIT_BAD_INPUT;
  } else {
    process.stderr.write(`hello: unexpected error: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  }
});
