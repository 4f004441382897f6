import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import type { ConvertedSpreadsheet } from "@/lib/contract/spreadsheets";
import type { ParseSpreadsheetOptions } from "./parse-spreadsheet";
import { parseSpreadsheetOffThread } from "./parse-spreadsheet-off-thread";
import { sheetProblems } from "./submit-spreadsheet";
import { requireSubmitter } from "../auth/require-role";

/**
 * A workbook or CSV as the config it becomes, for review before submitting. Stores
 * nothing; only for those who may submit (reading a workbook costs the server work).
 */
export async function convertSpreadsheet(
  ctx: Pick<AppContext, "db" | "caches" | "config" | "cpu">,
  options: ParseSpreadsheetOptions & { principal: Principal },
): Promise<ConvertedSpreadsheet> {
  requireSubmitter(options.principal);
  const parsed = await parseSpreadsheetOffThread(ctx, options);
  return {
    pipeline: `${parsed.pipeline.name}@${parsed.pipeline.version}`,
    config: parsed.config,
    problems: sheetProblems(parsed.problems),
    problemCount: parsed.problemCount,
    warnings: sheetProblems(parsed.warnings),
  };
}
