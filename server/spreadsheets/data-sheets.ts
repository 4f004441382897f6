import { RUN_SHEET, type WorkbookLayout } from "@/lib/spreadsheet/layout";

/**
 * The sheets of a workbook that hold a layout's data: "Run" and one per list, matched
 * as convertWorkbook matches them (exact name, else ignoring case); a workbook of one
 * sheet is that sheet (a renamed list sheet). README and any other sheet are never
 * read, so their styles, notes and sizes do not count against the limits.
 */
export function dataSheets(sheetNames: string[], layout: WorkbookLayout): string[] {
  if (sheetNames.length === 1) return sheetNames;
  const wanted = [RUN_SHEET, ...layout.tables.map((t) => t.sheet)];
  const chosen = new Set<string>();
  for (const name of wanted) {
    const found =
      sheetNames.find((s) => s === name) ??
      sheetNames.find((s) => s.toLowerCase() === name.toLowerCase());
    if (found) chosen.add(found);
  }
  return sheetNames.filter((s) => chosen.has(s));
}
