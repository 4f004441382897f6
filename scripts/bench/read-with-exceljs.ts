// The .xlsx reader Runport used before SheetJS (exceljs), kept for `npm run bench` to
// print the two side by side. Not used by the server: it fails on openpyxl's comments
// (exceljs issue 2797) and counts styled columns of sheets that are not data.
import ExcelJS from "exceljs";
import type { CellContent } from "@/lib/spreadsheet/cell-values";
import { META_SHEET } from "@/lib/spreadsheet/layout";
import { AppError } from "@/server/errors";
import { checkXlsxContainer } from "@/server/spreadsheets/check-xlsx-container";
import type { CellFault, SheetGrid, WorkbookData } from "@/server/spreadsheets/read-workbook";
import { SPREADSHEET_LIMITS } from "@/server/spreadsheets/template-format";

function unreadable(message: string): AppError {
  return new AppError("UNREADABLE_SPREADSHEET", message);
}

function textOf(rich: { richText: { text: string }[] }): string {
  return rich.richText.map((part) => part.text).join("");
}

/** exceljs's many cell value shapes reduced to text, number, boolean, date or a fault. */
export function contentOf(value: ExcelJS.CellValue): CellContent | CellFault {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  if (value instanceof Date) return value;
  if ("richText" in value) return textOf(value);
  if ("error" in value) return { fault: `the cell holds the error ${value.error}` };
  if ("formula" in value || "sharedFormula" in value) {
    const result = (value as { result?: unknown }).result;
    if (result === undefined || result === null) {
      return { fault: "the formula has no saved result: open the file, recalculate and save it" };
    }
    return contentOf(result as ExcelJS.CellValue);
  }
  if ("hyperlink" in value) {
    const text = (value as { text: unknown }).text;
    return typeof text === "string" ? text : contentOf(text as ExcelJS.CellValue);
  }
  return null;
}

function gridOf(sheet: ExcelJS.Worksheet): SheetGrid {
  const { maxRows, maxColumns } = SPREADSHEET_LIMITS;
  // rowCount is the last row used (not how many are filled): a value in A1048576 alone
  // would otherwise make a grid of a million rows.
  if (sheet.rowCount > maxRows) {
    throw unreadable(
      `The sheet "${sheet.name}" uses rows up to ${sheet.rowCount}; at most ${maxRows} are accepted`,
    );
  }
  const rows: (CellContent | CellFault)[][] = [];
  sheet.eachRow((row, r) => {
    if (row.cellCount > maxColumns) {
      throw unreadable(
        `The sheet "${sheet.name}" has cells beyond column ${maxColumns} (row ${r}); at most ${maxColumns} columns are accepted`,
      );
    }
    const cells: (CellContent | CellFault)[] = [];
    row.eachCell((cell, c) => {
      cells[c - 1] = contentOf(cell.value);
    });
    rows[r - 1] = Array.from(cells, (cell) => cell ?? null);
  });
  return { name: sheet.name, rows: Array.from(rows, (row) => row ?? []) };
}

/** Reads an .xlsx body (after checking its container) into plain grids, with exceljs. */
export async function readXlsxWithExceljs(body: Buffer): Promise<WorkbookData> {
  checkXlsxContainer(body, SPREADSHEET_LIMITS);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
  } catch (error) {
    throw unreadable(
      `The workbook could not be read: ${error instanceof Error ? error.message.slice(0, 200) : "unknown error"}`,
    );
  }
  if (workbook.worksheets.length > SPREADSHEET_LIMITS.maxSheets) {
    throw unreadable(`The workbook has more than ${SPREADSHEET_LIMITS.maxSheets} sheets`);
  }
  const data: WorkbookData = { sheets: [] };
  for (const sheet of workbook.worksheets) {
    if (sheet.name === META_SHEET) {
      readMeta(sheet, data);
      continue;
    }
    data.sheets.push(gridOf(sheet));
  }
  return data;
}

function readMeta(sheet: ExcelJS.Worksheet, data: WorkbookData): void {
  sheet.eachRow((row) => {
    const key = contentOf(row.getCell(1).value);
    const value = contentOf(row.getCell(2).value);
    if (typeof value !== "string") return;
    if (key === "pipeline") data.pipeline = value.trim();
    if (key === "template") data.template = value.trim();
  });
}
