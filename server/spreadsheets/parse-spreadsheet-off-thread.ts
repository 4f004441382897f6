import type { AppContext } from "../context";
import { runCpuTask, CPU_INLINE_MAX_BYTES } from "../cpu/run-cpu-task";
import type { CpuTasks } from "../cpu/cpu-tasks";
import { movable } from "../cpu/movable";
import { AppError } from "../errors";
import type { ParsedSpreadsheet, ParseSpreadsheetOptions } from "./parse-spreadsheet";
import type {
  PreparedSpreadsheetRun,
  PrepareSpreadsheetRunOptions,
} from "./prepare-spreadsheet-run";

type Ctx = Pick<AppContext, "db" | "caches" | "cpu" | "config">;

/**
 * A spreadsheet task on a CPU thread of the web process for every workbook and any CSV over
 * 32 KiB (a 20,000-row CSV or a large workbook is seconds of CPU on a busy machine), inline
 * otherwise; the same answer and the same problems either way. Off the event loop the
 * file's bytes move to the thread: the caller must not read `options.body` afterwards.
 */
function onThread<N extends "parseSpreadsheet" | "prepareSpreadsheetRun">(
  ctx: Ctx,
  name: N,
  options: Parameters<CpuTasks[N]>[1],
) {
  const away = options.kind !== "csv" || options.body.length > CPU_INLINE_MAX_BYTES;
  const { body, transfer } = away ? movable(options.body) : { body: options.body, transfer: [] };
  return runCpuTask(
    ctx,
    name,
    { ...options, body: body as Buffer },
    {
      offThread: away,
      transfer,
      limitError: (limit, seconds) =>
        new AppError(
          "UNREADABLE_SPREADSHEET",
          limit === "time"
            ? `Reading the spreadsheet took longer than ${seconds} s: split it into smaller files`
            : "Reading the spreadsheet needs more memory than the server allows: split it into smaller files",
        ),
    },
  );
}

/** parseSpreadsheet, on a thread for a large file (see onThread). */
export function parseSpreadsheetOffThread(
  ctx: Ctx,
  options: ParseSpreadsheetOptions,
): Promise<ParsedSpreadsheet> {
  return onThread(ctx, "parseSpreadsheet", options);
}

/** prepareSpreadsheetRun, on a thread for a large file (see onThread). */
export function prepareSpreadsheetRunOffThread(
  ctx: Ctx,
  options: PrepareSpreadsheetRunOptions,
): Promise<PreparedSpreadsheetRun> {
  return onThread(ctx, "prepareSpreadsheetRun", options);
}
