import type { AppContext } from "../context";
import { runCpuTask, CPU_INLINE_MAX_BYTES } from "../cpu/run-cpu-task";
import { movable } from "../cpu/movable";
import { AppError } from "../errors";
import type { ParsedSpreadsheet, ParseSpreadsheetOptions } from "./parse-spreadsheet";
import type {
  PreparedSpreadsheetRun,
  PrepareSpreadsheetRunOptions,
} from "./prepare-spreadsheet-run";

type Ctx = Pick<AppContext, "db" | "caches" | "cpu" | "config">;

function offThread(options: ParseSpreadsheetOptions): boolean {
  return options.kind !== "csv" || options.body.length > CPU_INLINE_MAX_BYTES;
}

function limitError(limit: "time" | "memory", seconds: number): AppError {
  return new AppError(
    "UNREADABLE_SPREADSHEET",
    limit === "time"
      ? `Reading the spreadsheet took longer than ${seconds} s: split it into smaller files`
      : "Reading the spreadsheet needs more memory than the server allows: split it into smaller files",
  );
}

/**
 * parseSpreadsheet on a CPU thread of the web process for every workbook and any CSV over
 * 32 KiB (a 20,000-row CSV or a large workbook is seconds of CPU on a busy machine), inline
 * otherwise; the same answer and the same problems either way. Off the event loop the
 * file's bytes move to the thread: the caller must not read `options.body` afterwards.
 */
export function parseSpreadsheetOffThread(
  ctx: Ctx,
  options: ParseSpreadsheetOptions,
): Promise<ParsedSpreadsheet> {
  const away = offThread(options);
  const { body, transfer } = away ? movable(options.body) : { body: options.body, transfer: [] };
  return runCpuTask(
    ctx,
    "parseSpreadsheet",
    { ...options, body: body as Buffer },
    { offThread: away, transfer, limitError },
  );
}

/**
 * prepareSpreadsheetRun where parseSpreadsheetOffThread would parse, the bytes moved the
 * same way (the caller must not read `options.body` afterwards).
 */
export function prepareSpreadsheetRunOffThread(
  ctx: Ctx,
  options: PrepareSpreadsheetRunOptions,
): Promise<PreparedSpreadsheetRun> {
  const away = offThread(options);
  const { body, transfer } = away ? movable(options.body) : { body: options.body, transfer: [] };
  return runCpuTask(
    ctx,
    "prepareSpreadsheetRun",
    { ...options, body: body as Buffer },
    { offThread: away, transfer, limitError },
  );
}
