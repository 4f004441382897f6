import * as XLSX from "@e965/xlsx";
import type { CellContent } from "@/lib/spreadsheet/cell-values";
import { LISTS_SHEET, META_SHEET } from "@/lib/spreadsheet/layout";
import { parseCsv } from "@/lib/spreadsheet/parse-csv";
import { AppError } from "../errors";
import { checkWorkbookContainer, type WorkbookFormat } from "./check-workbook-container";
import { SPREADSHEET_LIMITS } from "./template-format";

/** A cell that holds an error value (#N/A, #DIV/0!) or a formula without a saved result. */
export interface CellFault {
  fault: string;
}

/** One sheet as plain values: rows[r - 1][c - 1] is the cell at row r, column c. */
export interface SheetGrid {
  name: string;
  rows: (CellContent | CellFault)[][];
}

export interface WorkbookData {
  sheets: SheetGrid[];
  /** From the hidden sheet: `pipeline@version` and the template format, when present. */
  pipeline?: string;
  template?: string;
}

/** A workbook whose container was checked and whose hidden sheet was read; no sheet yet. */
export interface OpenedWorkbook {
  format: WorkbookFormat;
  /** The names of its sheets, in order, the hidden `_runport` excluded. */
  sheetNames: string[];
  pipeline?: string;
  template?: string;
  /** Reads these sheets (names as in `sheetNames`) into grids, with the limits checked. */
  read(names: string[]): WorkbookData;
}

function unreadable(message: string): AppError {
  return new AppError("UNREADABLE_SPREADSHEET", message);
}

/** Excel's error codes, for the readers that leave only the code. */
const ERROR_TEXT: Partial<Record<number, string>> = {
  0x00: "#NULL!",
  0x07: "#DIV/0!",
  0x0f: "#VALUE!",
  0x17: "#REF!",
  0x1d: "#NAME?",
  0x24: "#NUM!",
  0x2a: "#N/A",
  0x2b: "#GETTING_DATA",
};

const ERROR_VALUES = new Set(Object.values(ERROR_TEXT));

/**
 * SheetJS's cell reduced to what exceljs gave: text, number, boolean, a Date (UTC),
 * a fault for an error value, or nothing. A formula is its saved result; one saved
 * without a result (openpyxl writes them so) has no cell at all and reads as empty.
 */
export function contentOfCell(cell: XLSX.CellObject | undefined): CellContent | CellFault {
  if (!cell) return null;
  switch (cell.t) {
    case "s":
      // Gnumeric's .ods saves a formula's error as its text (office:string-value="#DIV/0!").
      if (cell.f !== undefined && typeof cell.v === "string" && ERROR_VALUES.has(cell.v)) {
        return { fault: `the cell holds the error ${cell.v}` };
      }
      return typeof cell.v === "string" ? cell.v : String(cell.v ?? "");
    case "n":
      return typeof cell.v === "number" ? cell.v : null;
    case "b":
      return cell.v === true;
    case "d":
      return cell.v instanceof Date ? cell.v : null;
    case "e":
      return {
        fault: `the cell holds the error ${cell.w ?? ERROR_TEXT[cell.v as number] ?? "#ERROR"}`,
      };
    default:
      return null;
  }
}

/**
 * The options that keep SheetJS to reading values of this format: nothing evaluated, no HTML,
 * no styles (exported for its test).
 */
export function readOptionsFor(format: WorkbookFormat): XLSX.ParsingOptions {
  return {
    type: "buffer",
    dense: true,
    cellDates: true,
    // Formula text is kept (never evaluated) to tell an error result saved as text, as
    // Gnumeric's .ods does. Only there: with formulas on, the reader checks every cell
    // against each array formula (quadratic; an .ods's are counted before, at most 1,000).
    cellFormula: format === "ods",
    cellHTML: false,
    cellText: false,
    cellStyles: false,
    cellNF: false,
    sheetStubs: false,
    bookVBA: false,
    WTF: false,
    // No sheetRows: it would silently drop a value beyond it. The work is bounded
    // before the parse instead (inflated size, .ods repeats, .xls size), and a value
    // beyond the row limit is refused below.
  };
}

function parse(body: Buffer, format: WorkbookFormat, sheets?: string[]): XLSX.WorkBook {
  try {
    return XLSX.read(body, {
      ...readOptionsFor(format),
      ...(sheets ? { sheets } : {}),
    });
  } catch (error) {
    // SheetJS throws Errors, and for some damaged files plain strings.
    const message =
      error instanceof Error ? error.message : typeof error === "string" ? error : "unknown error";
    if (/password|encrypt/i.test(message)) {
      throw unreadable("The workbook is encrypted: save it without a password");
    }
    throw unreadable(`The workbook could not be read: ${message.slice(0, 200)}`);
  }
}

function rowsOf(book: XLSX.WorkBook, name: string): (XLSX.CellObject | undefined)[][] {
  const sheet = book.Sheets[name] as XLSX.DenseSheet | undefined;
  return sheet?.["!data"] ?? [];
}

/**
 * One sheet as a grid. The limits count cells that hold a value: not the sheet's
 * dimension tag (Gnumeric writes A1:XFD5001), not cells that only carry a style.
 */
function gridOf(book: XLSX.WorkBook, name: string): SheetGrid {
  const { maxRows, maxColumns } = SPREADSHEET_LIMITS;
  const data = rowsOf(book, name);
  // The last row holding a value: a value in A1048576 alone is refused, never dropped.
  let last = data.length;
  while (last > 0 && !data[last - 1]?.some((cell) => contentOfCell(cell) !== null)) last--;
  if (last > maxRows) {
    throw unreadable(
      `The sheet "${name}" uses rows up to ${last}; at most ${maxRows} are accepted`,
    );
  }
  const rows: (CellContent | CellFault)[][] = [];
  data.slice(0, last).forEach((row, i) => {
    const cells: (CellContent | CellFault)[] = [];
    row?.forEach((cell, c) => {
      const content = contentOfCell(cell);
      if (content === null) return;
      if (c + 1 > maxColumns) {
        throw unreadable(
          `The sheet "${name}" has cells beyond column ${maxColumns} (row ${i + 1}); at most ${maxColumns} columns are accepted`,
        );
      }
      cells[c] = content;
    });
    if (cells.length > 0) rows[i] = Array.from(cells, (cell) => cell ?? null);
  });
  return { name, rows: Array.from(rows, (row) => row ?? []) };
}

function readMeta(book: XLSX.WorkBook): { pipeline?: string; template?: string } {
  const meta: { pipeline?: string; template?: string } = {};
  for (const row of rowsOf(book, META_SHEET)) {
    const key = contentOfCell(row?.[0]);
    const value = contentOfCell(row?.[1]);
    if (typeof value !== "string") continue;
    if (key === "pipeline") meta.pipeline = value.trim();
    if (key === "template") meta.template = value.trim();
  }
  return meta;
}

/**
 * Opens an .xlsx, .ods or .xls body (told apart by content) after checking its
 * container, and reads its hidden sheet. For .xlsx only the hidden sheet is parsed
 * here and `read` parses just the sheets asked for; .ods and .xls are parsed whole
 * (SheetJS cannot skip their sheets), within the container's limits.
 */
export function openWorkbook(body: Buffer): OpenedWorkbook {
  const format = checkWorkbookContainer(body, SPREADSHEET_LIMITS);
  const first = parse(body, format, format === "xlsx" ? [META_SHEET] : undefined);
  if (first.SheetNames.length > SPREADSHEET_LIMITS.maxSheets) {
    throw unreadable(`The workbook has more than ${SPREADSHEET_LIMITS.maxSheets} sheets`);
  }
  // The template's hidden sheets are never data: `_lists` may hold thousands of values.
  const sheetNames = first.SheetNames.filter((name) => name !== META_SHEET && name !== LISTS_SHEET);
  return {
    format,
    sheetNames,
    ...readMeta(first),
    read(names) {
      const wanted = sheetNames.filter((name) => names.includes(name));
      const book = format === "xlsx" && wanted.length > 0 ? parse(body, format, wanted) : first;
      return { sheets: wanted.map((name) => gridOf(book, name)), ...readMeta(first) };
    },
  };
}

/**
 * Reads a workbook body into plain grids: the sheets `pick` chooses from its sheet
 * names, or every sheet but the hidden one.
 */
export function readWorkbook(
  body: Buffer,
  pick: (sheetNames: string[]) => string[] = (names) => names,
): WorkbookData {
  const book = openWorkbook(body);
  return book.read(pick(book.sheetNames));
}

/** The reader of every workbook format, under its old name (it was .xlsx only). */
export async function readXlsx(body: Buffer): Promise<WorkbookData> {
  return Promise.resolve(readWorkbook(body));
}

/** Reads a CSV body (one table, the first row its headers) as a sheet named `name`. */
export function readCsv(body: Buffer, name: string): WorkbookData {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw unreadable("The CSV file is not UTF-8 text: save it as CSV UTF-8");
  }
  const parsed = parseCsv(text, SPREADSHEET_LIMITS);
  if (!parsed.ok) throw unreadable(`The CSV file could not be read: ${parsed.message}`);
  return { sheets: [{ name, rows: parsed.rows }] };
}
