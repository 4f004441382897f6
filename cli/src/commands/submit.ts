/**
 * `runport submit FILE|-`: a JSON config, a workbook (.xlsx, .ods, .xls) or a CSV/TSV of the
 * items sheet. Problems come back pointing into the file as submitted: a JSON file is sent
 * verbatim inside the envelope (after a one-line prefix, see unwrapEnvelopeProblem), a
 * workbook as itself (cells).
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ProblemItem } from "../../../lib/contract/problem";
import type { RunView } from "../../../lib/contract/runs";
import { flag, integer, list, required, str } from "../args";
import type { Context } from "../context";
import { CliError, EXIT, exitCodeOfStatus, type ExitCode } from "../exit-codes";
import { clean, parseLabels } from "../format";
import { ApiError, locate, unwrapEnvelopeProblem } from "../problem";
import { waitForRun } from "./wait";

export const SUBMIT_OPTIONS = {
  pipeline: { type: "string", short: "p" },
  name: { type: "string" },
  label: { type: "string", multiple: true },
  hold: { type: "boolean" },
  priority: { type: "string" },
  "dry-run": { type: "boolean" },
  wait: { type: "boolean" },
  format: { type: "string" },
  config: { type: "string" },
} as const;

const TYPES = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ods: "application/vnd.oasis.opendocument.spreadsheet",
  xls: "application/vnd.ms-excel",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
} as const;
type Format = "json" | keyof typeof TYPES;

/** The file's format: --format, else its extension, else its first bytes. */
export function detectFormat(file: string, bytes: Uint8Array, given?: string): Format {
  const known = ["json", ...Object.keys(TYPES)];
  if (given) {
    if (!known.includes(given))
      throw new CliError(`--format must be one of ${known.join(", ")}`, EXIT.usage);
    return given as Format;
  }
  const extension = path.extname(file).slice(1).toLowerCase();
  if (known.includes(extension)) return extension as Format;
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return "xlsx"; // a ZIP: the server tells xlsx from ods
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf) return "xls";
  return "json";
}

interface Submission {
  path: string;
  body: BodyInit;
  headers: Record<string, string>;
  /** Characters before the file's own text on its first line (JSON in the envelope). */
  prefix?: number;
}

interface Envelope {
  pipeline?: string;
  name?: string;
  labels?: Record<string, string>;
  hold?: boolean;
  priority?: number;
}

function envelopeOptions(ctx: Context): Envelope {
  const envelope: Envelope = {};
  const name = str(ctx.args, "name");
  if (name !== undefined) envelope.name = name;
  const labels = list(ctx.args, "label");
  if (labels.length) {
    try {
      envelope.labels = parseLabels(labels);
    } catch (error) {
      throw new CliError((error as Error).message, EXIT.usage);
    }
  }
  if (flag(ctx.args, "hold")) envelope.hold = true;
  const priority = integer(ctx.args, "priority", 0, 100);
  if (priority !== undefined) envelope.priority = priority;
  return envelope;
}

/**
 * A JSON config in the envelope of POST /runs, its text untouched after a prefix without
 * line breaks: lines stay the file's lines. Without a pipeline to name (a file that is not
 * JSON and no --pipeline), the bytes go to the old portal's endpoint, which says where the
 * JSON breaks.
 */
export function jsonSubmission(text: string, options: Envelope): Submission {
  const source = text.replace(/^\uFEFF/, "");
  let document: unknown = null;
  try {
    document = JSON.parse(source);
  } catch {
    // the server reports where
  }
  const config =
    document && typeof document === "object" && !Array.isArray(document)
      ? (document as Record<string, unknown>)
      : null;
  const pipeline =
    options.pipeline ?? (typeof config?.pipeline === "string" ? config.pipeline : undefined);
  const headers = { "Content-Type": "application/json" };
  if (!pipeline || !config) return { path: "api/v1/new-run/", body: source, headers };
  const name =
    options.name ??
    (typeof config.project === "string" && config.project.length <= 255
      ? config.project
      : undefined);
  const fields = { ...options, pipeline, ...(name !== undefined ? { name } : {}) };
  const prefix = `${JSON.stringify(fields).slice(0, -1)},"config":`;
  return { path: "api/v1/runs", body: `${prefix}${source}\n}`, headers, prefix: prefix.length };
}

function uploadSubmission(
  ctx: Context,
  file: string,
  bytes: Uint8Array<ArrayBuffer>,
  format: keyof typeof TYPES,
): Submission {
  const form = new FormData();
  const blob = new Blob([bytes], { type: TYPES[format] });
  form.set("file", blob, file === "-" ? `stdin.${format}` : path.basename(file));
  const pipeline = str(ctx.args, "pipeline");
  if (pipeline) form.set("pipeline", pipeline);
  const name = str(ctx.args, "name");
  if (name !== undefined) form.set("name", name);
  const config = str(ctx.args, "config");
  if (config) form.set("config", Buffer.from(readInput(config)).toString("utf8"));
  return { path: "api/v1/runs", body: form, headers: {} };
}

async function send(ctx: Context, submission: Submission, dryRun: boolean): Promise<unknown> {
  const query = new URLSearchParams(dryRun ? { dryRun: "true" } : {});
  try {
    return await ctx.client().json<unknown>(submission.path, {
      method: "POST",
      query,
      body: submission.body,
      // The same key on every attempt: a retried submission never makes two runs.
      headers: { ...submission.headers, "Idempotency-Key": `cli:${randomUUID()}` },
      retry: true,
    });
  } catch (error) {
    if (error instanceof ApiError && submission.prefix !== undefined) {
      throw new ApiError(
        error.status,
        unwrapEnvelopeProblem(error.problem, submission.prefix),
        error.retryAfter,
      );
    }
    throw error;
  }
}

function readInput(file: string): Uint8Array<ArrayBuffer> {
  try {
    const buffer = file === "-" ? readFileSync(0) : readFileSync(file);
    return new Uint8Array(
      buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length),
    );
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.usage);
  }
}

function warn(ctx: Context, warnings: ProblemItem[], prefix?: number): void {
  const items =
    prefix === undefined
      ? warnings
      : (unwrapEnvelopeProblem({ errors: warnings }, prefix)?.errors ?? []);
  for (const item of items) ctx.note(`warning: ${locate(item)}: ${item.path} ${item.message}`);
}

export async function submit(ctx: Context): Promise<ExitCode> {
  const file = required(ctx.args, 0, "FILE (or - for standard input)");
  const bytes = readInput(file);
  const format = detectFormat(file, bytes, str(ctx.args, "format"));
  const dryRun = flag(ctx.args, "dry-run");
  const options = envelopeOptions(ctx);
  const pipeline = str(ctx.args, "pipeline");
  let submission: Submission;
  if (format === "json") {
    submission = jsonSubmission(Buffer.from(bytes).toString("utf8"), {
      ...options,
      ...(pipeline ? { pipeline } : {}),
    });
  } else {
    submission = uploadSubmission(ctx, file, bytes, format);
    if (options.labels || options.hold || options.priority !== undefined) {
      // The upload has no labels, hold or priority: read it first (cells in its problems),
      // then submit what it became in the envelope.
      const read = (await send(ctx, submission, true)) as { pipeline: string; config: unknown };
      const body = JSON.stringify({ ...options, pipeline: read.pipeline, config: read.config });
      submission = { path: "api/v1/runs", body, headers: { "Content-Type": "application/json" } };
    }
  }
  const answer = await send(ctx, submission, dryRun);
  if (dryRun) {
    const result = answer as { pipeline: string; warnings: ProblemItem[] };
    if (ctx.json) ctx.print(answer);
    else ctx.say(`valid: ${result.pipeline} (nothing was submitted)`);
    warn(ctx, result.warnings, submission.prefix);
    return EXIT.ok;
  }
  const run = answer as RunView;
  warn(ctx, run.warnings, submission.prefix);
  if (!flag(ctx.args, "wait")) {
    if (ctx.json) ctx.print(run);
    else ctx.say(`${run.id}\t${run.status}\t${run.pipeline}\t${run.name ?? ""}`);
    return EXIT.ok;
  }
  ctx.note(`submitted ${run.id} (${run.pipeline}${run.name ? `, ${run.name}` : ""})`);
  if (run.status === "held") {
    ctx.note(`${run.id} is held: it runs after runport release ${run.id}`);
  }
  const ended = await waitForRun(ctx, run.id);
  if (ctx.json) ctx.print(ended);
  else {
    const exit =
      ended.exitCode !== null && ended.exitCode !== 0 ? `\texit code ${ended.exitCode}` : "";
    ctx.say(`${ended.id}\t${ended.status}${exit}${ended.error ? `\t${clean(ended.error)}` : ""}`);
  }
  return exitCodeOfStatus(ended.status);
}
