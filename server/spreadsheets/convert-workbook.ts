// Longer than the house's 250 lines on purpose: reading the Run sheet, the item sheets
// and locating problems share one Converter's private state (which cell each JSON
// Pointer came from, what was already reported); split, that state would leak out.
import { pointerSegments, toPointer } from "@/lib/json/parse-json";
import { convertCell, isEmptyCell, type CellContent } from "@/lib/spreadsheet/cell-values";
import {
  columnLetters,
  RUN_SHEET,
  type LayoutField,
  type TableLayout,
  type WorkbookLayout,
} from "@/lib/spreadsheet/layout";
import type { CellFault, SheetGrid, WorkbookData } from "./read-workbook";

/** A problem in an uploaded spreadsheet: the cell (`Samples!C4`), the JSON Pointer, what is wrong. */
export interface SheetProblem {
  sheet: string;
  cell: string;
  path: string;
  message: string;
}

export interface ConvertedWorkbook {
  config: Record<string, unknown>;
  problems: SheetProblem[];
  /** The cell a JSON Pointer of the config came from (or where it belongs). */
  locate(pointer: string): { sheet: string; cell: string };
  /** Whether a problem at this pointer was already reported while reading the cells. */
  isReported(pointer: string): boolean;
}

/** `Sheet!B7`, with the sheet quoted when its name needs it (as spreadsheets write it). */
export function cellRef(sheet: string, row: number, column: number): string {
  const name = /^[A-Za-z_][A-Za-z0-9_.]*$/.test(sheet) ? sheet : `'${sheet.replace(/'/g, "''")}'`;
  return `${name}!${columnLetters(column)}${row}`;
}

function isFault(cell: CellContent | CellFault | undefined): cell is CellFault {
  return typeof cell === "object" && cell !== null && !(cell instanceof Date);
}

function setAt(target: Record<string, unknown>, key: string[], value: unknown): void {
  let node = target;
  key.slice(0, -1).forEach((segment) => {
    const next = node[segment];
    node = (typeof next === "object" && next !== null ? next : (node[segment] = {})) as Record<
      string,
      unknown
    >;
  });
  node[key[key.length - 1]!] = value;
}

function findSheet(data: WorkbookData, name: string): SheetGrid | undefined {
  return (
    data.sheets.find((s) => s.name === name) ??
    data.sheets.find((s) => s.name.toLowerCase() === name.toLowerCase())
  );
}

function textIn(cell: CellContent | CellFault | undefined): string {
  if (cell === null || cell === undefined || isFault(cell)) return "";
  return cell instanceof Date ? cell.toISOString() : String(cell).trim();
}

class Converter {
  readonly config: Record<string, unknown> = {};
  readonly problems: SheetProblem[] = [];
  /** JSON Pointer → cell, for every cell read and every place a value belongs. */
  private readonly cells = new Map<string, { sheet: string; cell: string }>();
  private runSheet = { name: RUN_SHEET, nextRow: 2 };
  /** Per table: its sheet, the field of each column, and the row of each item. */
  private readonly tables = new Map<
    string,
    { sheet: string; columns: Map<number, LayoutField>; rowOf: number[] }
  >();
  /** Cells already reported as bad, which the schema check would report again. */
  private readonly reported = new Set<string>();
  /** `property\0column` of missing required columns: every row would say "is required". */
  private readonly missingColumns = new Set<string>();

  constructor(private readonly layout: WorkbookLayout) {}

  problem(sheet: string, row: number, column: number, path: string, message: string): void {
    this.problems.push({ sheet, cell: cellRef(sheet, row, column), path, message });
  }

  /** Whether a schema problem at this pointer repeats one already reported. */
  isReported(pointer: string): boolean {
    if (this.reported.has(pointer)) return true;
    const [property, , column] = pointerSegments(pointer);
    return this.missingColumns.has(`${property}\u0000${column}`);
  }

  /** Converts one cell into `target` at `field.key`; faults and type errors become problems. */
  private readCell(
    target: Record<string, unknown>,
    cell: CellContent | CellFault | undefined,
    place: { sheet: string; row: number; column: number; pointer: string },
    field: LayoutField,
  ): void {
    this.cells.set(place.pointer, {
      sheet: place.sheet,
      cell: cellRef(place.sheet, place.row, place.column),
    });
    if (cell === undefined) return;
    const converted = isFault(cell)
      ? { ok: false as const, message: cell.fault }
      : isEmptyCell(cell)
        ? undefined
        : convertCell(cell, field);
    if (!converted) return;
    if (converted.ok) {
      setAt(target, field.key, converted.value);
    } else {
      this.problem(place.sheet, place.row, place.column, place.pointer, converted.message);
      this.reported.add(place.pointer);
    }
  }

  readRunSheet(sheet: SheetGrid | undefined): void {
    if (!sheet) return;
    this.runSheet = { name: sheet.name, nextRow: sheet.rows.length + 1 };
    const byHeader = new Map(this.layout.fields.map((f) => [f.header, f]));
    const seen = new Map<string, number>();
    sheet.rows.forEach((row, i) => {
      const r = i + 1;
      const name = textIn(row[0]);
      if (r === 1 || (name === "" && row.slice(1, 2).every((c) => textIn(c) === ""))) return;
      const field = byHeader.get(name);
      if (!field) {
        const message = name
          ? `unknown field "${name}"; the fields are: ${[...byHeader.keys()].join(", ")}`
          : "a value without a field name in column A";
        this.problem(sheet.name, r, 1, "", message);
        return;
      }
      const pointer = toPointer(field.key);
      if (seen.has(name)) {
        this.problem(sheet.name, r, 1, pointer, `"${name}" is also on row ${seen.get(name)}`);
        return;
      }
      seen.set(name, r);
      this.readCell(this.config, row[1], { sheet: sheet.name, row: r, column: 2, pointer }, field);
    });
  }

  /** Maps header names to columns; unknown, repeated and missing required headers are problems. */
  private readHeaders(table: TableLayout, sheet: SheetGrid): Map<number, LayoutField> {
    const byHeader = new Map(table.columns.map((c) => [c.header, c]));
    const columns = new Map<number, LayoutField>();
    const found = new Set<string>();
    const headers = sheet.rows[0] ?? [];
    const base = `/${table.property}`;
    headers.forEach((cell, i) => {
      const name = textIn(cell);
      if (name === "") return;
      const column = byHeader.get(name);
      if (!column) {
        const expected = table.columns.map((c) => c.header).join(", ");
        this.problem(
          sheet.name,
          1,
          i + 1,
          base,
          `unknown column "${name}"; the columns are: ${expected}`,
        );
      } else if (found.has(name)) {
        this.problem(sheet.name, 1, i + 1, base, `the column "${name}" appears twice`);
      } else {
        found.add(name);
        columns.set(i + 1, column);
      }
    });
    const missing = table.columns.filter((c) => c.field.required && !found.has(c.header));
    missing.forEach((c, i) => {
      const at = headers.length + 1 + i;
      this.problem(sheet.name, 1, at, base, `the required column "${c.header}" is missing`);
      // Every row would otherwise also say that this property is required.
      this.missingColumns.add(`${table.property}\u0000${c.key[0]}`);
    });
    return columns;
  }

  readTable(table: TableLayout, sheet: SheetGrid | undefined): void {
    const base = `/${table.property}`;
    if (!sheet) {
      if (table.field.required) {
        this.problems.push({
          sheet: table.sheet,
          cell: cellRef(table.sheet, 1, 1),
          path: base,
          message: `the workbook has no "${table.sheet}" sheet`,
        });
      }
      return;
    }
    const columns = this.readHeaders(table, sheet);
    const items: Record<string, unknown>[] = [];
    const rowOf: number[] = [];
    for (let r = 2; r <= sheet.rows.length; r++) {
      const row = sheet.rows[r - 1]!;
      if ([...columns.keys()].every((c) => textIn(row[c - 1]) === "" && !isFault(row[c - 1]))) {
        continue;
      }
      const item: Record<string, unknown> = {};
      const pointer = `${base}/${items.length}`;
      for (const [c, field] of columns) {
        const place = {
          sheet: sheet.name,
          row: r,
          column: c,
          pointer: `${pointer}${toPointer(field.key)}`,
        };
        this.readCell(item, row[c - 1], place, field);
      }
      this.cells.set(pointer, { sheet: sheet.name, cell: cellRef(sheet.name, r, 1) });
      rowOf.push(r);
      items.push(item);
    }
    if (items.length > 0 || table.field.required) this.config[table.property] = items;
    this.cells.set(base, { sheet: sheet.name, cell: cellRef(sheet.name, 2, 1) });
    this.tables.set(table.property, { sheet: sheet.name, columns, rowOf });
  }

  locate(pointer: string): { sheet: string; cell: string } {
    const exact = this.cells.get(pointer);
    if (exact) return exact;
    const segments = pointerSegments(pointer);
    const table = this.tables.get(segments[0] ?? "");
    if (table) {
      const row = table.rowOf[Number(segments[1])];
      const key = segments.slice(2).join(".");
      if (row !== undefined) {
        const column = [...table.columns].find(
          ([, f]) => key === f.header || key.startsWith(`${f.header}.`),
        );
        return { sheet: table.sheet, cell: cellRef(table.sheet, row, column?.[0] ?? 1) };
      }
      return { sheet: table.sheet, cell: cellRef(table.sheet, 2, 1) };
    }
    // A field of the Run sheet without a row: where a row for it would go.
    return {
      sheet: this.runSheet.name,
      cell: cellRef(this.runSheet.name, this.runSheet.nextRow, 1),
    };
  }
}

/**
 * Turns a workbook (or a CSV read as the table sheet) into a config for the layout:
 * values converted to the schema's types, empty cells absent, empty rows skipped.
 * `base` supplies what the workbook lacks (a CSV carries only the table).
 */
export function convertWorkbook(
  data: WorkbookData,
  layout: WorkbookLayout,
  base: Record<string, unknown> = {},
): ConvertedWorkbook {
  const converter = new Converter(layout);
  // Own properties only: a "__proto__" key must not become the config's prototype.
  for (const [key, value] of Object.entries(base)) {
    Object.defineProperty(converter.config, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  converter.readRunSheet(findSheet(data, RUN_SHEET));
  // A lone sheet that is not "Run" (a CSV, or a renamed items sheet) is the one table.
  const lone =
    data.sheets.length === 1 && data.sheets[0]!.name !== RUN_SHEET ? data.sheets[0] : undefined;
  for (const table of layout.tables) {
    converter.readTable(table, findSheet(data, table.sheet) ?? lone);
  }
  return {
    config: converter.config,
    problems: converter.problems,
    locate: (pointer) => converter.locate(pointer),
    isReported: (pointer) => converter.isReported(pointer),
  };
}
