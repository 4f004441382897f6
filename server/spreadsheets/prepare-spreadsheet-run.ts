import { createHash } from "node:crypto";
import type { PipelineRow } from "@/db/schema";
import type { AppContext } from "../context";
import type { SheetProblem } from "./convert-workbook";
import { parseSpreadsheet, type ParseSpreadsheetOptions } from "./parse-spreadsheet";

export interface PrepareSpreadsheetRunOptions extends ParseSpreadsheetOptions {
  /** The run's name sent with the upload; by default the config's `project`. */
  name?: string;
  /** A dry run answers with the config; a submission needs only its text. */
  dryRun: boolean;
}

export interface PreparedSpreadsheetRun {
  pipeline: PipelineRow;
  /** The first MAX_SHEET_PROBLEMS problems, and how many there are in all. */
  problems: SheetProblem[];
  problemCount: number;
  warnings: SheetProblem[];
  /** The run's name: the one given, else the config's `project` when it fits. */
  name: string | null;
  /** What an Idempotency-Key is bound to: the upload's kind, fields and bytes. */
  requestHash: string;
  /** The config as the run stores it; null when there are problems or for a dry run. */
  configText: string | null;
  /** The config itself, for a dry run only (copying it back from a thread costs). */
  config: Record<string, unknown> | null;
}

/**
 * Everything a spreadsheet submission needs from the file, in one task (a CPU thread's,
 * for a large file): the parse and validation, the run's name, the request's hash and the
 * config's text. Done together because the thread owns the file's bytes (moved to it, not
 * copied) and because hashing 8 MB, serialising a 10,000-row config and copying it back
 * each held the event loop for tens of ms (docs/notes/fuzzing.md).
 */
export async function prepareSpreadsheetRun(
  ctx: Pick<AppContext, "db" | "caches" | "config">,
  options: PrepareSpreadsheetRunOptions,
): Promise<PreparedSpreadsheetRun> {
  const { pipeline, config, problems, problemCount, warnings } = await parseSpreadsheet(
    ctx,
    options,
  );
  const project = typeof config.project === "string" ? config.project : null;
  const name = options.name ?? (project && project.length <= 255 ? project : null);
  const requestHash = createHash("sha256")
    .update(
      `${options.kind}\0${options.pipeline ?? ""}\0${name ?? ""}\0${JSON.stringify(options.base ?? {})}\0`,
    )
    .update(options.body)
    .digest("hex");
  const usable = problems.length === 0 && !options.dryRun;
  return {
    pipeline,
    problems,
    problemCount,
    warnings,
    name,
    requestHash,
    configText: usable ? JSON.stringify(config, null, 2) : null,
    config: options.dryRun ? config : null,
  };
}
