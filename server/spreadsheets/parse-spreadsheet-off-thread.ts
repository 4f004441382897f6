import type { AppContext } from "../context";
import { runCpuTask, CPU_INLINE_MAX_BYTES } from "../cpu/run-cpu-task";
import { AppError } from "../errors";
import type { ParsedSpreadsheet, ParseSpreadsheetOptions } from "./parse-spreadsheet";

/**
 * parseSpreadsheet on a CPU thread of the web process for every workbook and any CSV over
 * 32 KiB (a 20,000-row CSV or a large workbook is seconds of CPU on a busy machine), inline
 * otherwise; the same answer and the same problems either way.
 */
export function parseSpreadsheetOffThread(
  ctx: Pick<AppContext, "db" | "caches" | "cpu" | "config">,
  options: ParseSpreadsheetOptions,
): Promise<ParsedSpreadsheet> {
  return runCpuTask(ctx, "parseSpreadsheet", options, {
    offThread: options.kind !== "csv" || options.body.length > CPU_INLINE_MAX_BYTES,
    limitError: (limit, seconds) =>
      new AppError(
        "UNREADABLE_SPREADSHEET",
        limit === "time"
          ? `Reading the spreadsheet took longer than ${seconds} s: split it into smaller files`
          : "Reading the spreadsheet needs more memory than the server allows: split it into smaller files",
      ),
  });
}
