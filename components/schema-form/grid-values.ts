/**
 * The array grid's pure side: columns from an item schema, cell text <-> value, and what a paste
 * changes. Values follow the column's type so that a pasted "3" becomes 3 for an integer and
 * "yes" becomes true for a boolean; text that does not convert stays text, so the validator
 * reports it at that cell instead of the grid guessing.
 */

export type GridChange =
  | { kind: "set"; row: number; column: string; value: unknown }
  | { kind: "splice"; start: number; deleteCount: number; items: Record<string, unknown>[] };

export interface GridColumn {
  name: string;
  title: string;
  description?: string;
  required: boolean;
  /** JSON types the column accepts ("string", "integer", ...). */
  types: ReadonlySet<string>;
  /** Allowed values, when the schema lists them (enum, or const). */
  options?: readonly unknown[];
  /** Width in CSS pixels. */
  width: number;
}

const SCALAR_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isScalar = (value: unknown) =>
  value === null || ["string", "number", "boolean"].includes(typeof value);

function typesOf(schema: Record<string, unknown>): string[] | undefined {
  const type = schema.type;
  if (typeof type === "string") return [type];
  if (Array.isArray(type) && type.every((entry) => typeof entry === "string")) return type;
  return undefined;
}

function optionsOf(schema: Record<string, unknown>): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  if ("const" in schema) return [schema.const];
  return undefined;
}

/** A property a cell can edit: scalar types only, or an enum/const of scalars. */
function isScalarProperty(schema: unknown): boolean {
  if (!isRecord(schema)) return false;
  const types = typesOf(schema);
  const options = optionsOf(schema);
  if (types) return types.length > 0 && types.every((type) => SCALAR_TYPES.has(type));
  return options !== undefined && options.length > 0 && options.every(isScalar);
}

/**
 * true when every property of the item schema is a scalar a cell can edit (string, number,
 * integer, boolean, enum; optionally nullable), so the array can be shown as a grid.
 */
export function canShowAsGrid(itemSchema: Record<string, unknown>): boolean {
  const properties = itemSchema.properties;
  if (!isRecord(properties) || Object.keys(properties).length === 0) return false;
  const types = typesOf(itemSchema);
  if (types && !types.includes("object")) return false;
  return Object.values(properties).every(isScalarProperty);
}

function widthOf(name: string, title: string, schema: Record<string, unknown>, types: string[]) {
  const base =
    schema.format === "file-path" || schema.format === "directory-path" || /path/i.test(name)
      ? 260
      : types.every((type) => type === "integer" || type === "number" || type === "boolean")
        ? 110
        : optionsOf(schema)
          ? 130
          : 160;
  // Room for the title (about 8 px a character in the header's bold font), within reason.
  return Math.min(320, Math.max(base, Math.round(title.length * 8 + 32)));
}

/** The grid's columns: the item schema's properties, in the schema's order. */
export function gridColumns(itemSchema: Record<string, unknown>): GridColumn[] {
  const properties = isRecord(itemSchema.properties) ? itemSchema.properties : {};
  const required = new Set(Array.isArray(itemSchema.required) ? itemSchema.required : []);
  return Object.entries(properties).map(([name, raw]) => {
    const schema = isRecord(raw) ? raw : {};
    const options = optionsOf(schema);
    const types = typesOf(schema) ?? [...new Set((options ?? []).map((value) => jsonType(value)))];
    const title = typeof schema.title === "string" && schema.title !== "" ? schema.title : name;
    return {
      name,
      title,
      description: typeof schema.description === "string" ? schema.description : undefined,
      required: required.has(name),
      types: new Set(types),
      options,
      width: widthOf(name, title, schema, types),
    };
  });
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEANS: Record<string, boolean> = {
  true: true,
  yes: true,
  "1": true,
  false: false,
  no: false,
  "0": false,
};

/**
 * The value typed or pasted text stands for in a column. Empty text is undefined (the property
 * is removed); text that does not convert to the column's type is kept as the string.
 */
export function textToValue(text: string, column: Pick<GridColumn, "types" | "options">): unknown {
  if (text === "") return undefined;
  const trimmed = text.trim();
  if (column.options) {
    const exact = column.options.find((option) => valueToText(option) === text);
    if (exact !== undefined) return exact;
    const near = column.options.find((option) => valueToText(option) === trimmed);
    if (near !== undefined) return near;
  }
  const { types } = column;
  if (types.has("integer") && INTEGER.test(trimmed)) {
    const number = Number(trimmed);
    if (Number.isSafeInteger(number)) return number;
  }
  if (types.has("number") && NUMBER.test(trimmed)) {
    const number = Number(trimmed);
    if (Number.isFinite(number)) return number;
  }
  if (types.has("boolean")) {
    const boolean = BOOLEANS[trimmed.toLowerCase()];
    if (boolean !== undefined) return boolean;
  }
  if (types.has("null") && !types.has("string") && trimmed === "null") return null;
  return text;
}

/** The text a cell shows for a value: empty for a missing property. */
export function valueToText(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (value === null || typeof value === "number" || typeof value === "boolean")
    return String(value);
  return JSON.stringify(value) ?? "";
}

/** One reference token of a JSON Pointer (RFC 6901). */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export interface PastePlan {
  changes: GridChange[];
  /** Rows and columns the paste filled (for the selection afterwards). */
  rows: number;
  columns: number;
  /** Rows left out because of maxItems, and columns past the last one. */
  droppedRows: number;
  droppedColumns: number;
}

/**
 * What pasting a block of text fields at (row, column) changes: cells of existing rows are set
 * (unchanged ones are left out), rows past the end are appended as new items in one splice, up
 * to maxItems; fields right of the last column are left out.
 */
export function planPaste(options: {
  value: ReadonlyArray<unknown>;
  columns: readonly GridColumn[];
  row: number;
  column: number;
  fields: string[][];
  maxItems?: number;
}): PastePlan {
  const { value, columns, row, column, fields } = options;
  const limit = options.maxItems ?? Number.POSITIVE_INFINITY;
  const room = Math.max(0, limit - value.length);
  const widest = fields.reduce((most, line) => Math.max(most, line.length), 0);
  const usable = Math.max(0, Math.min(widest, columns.length - column));
  const changes: GridChange[] = [];
  const items: Record<string, unknown>[] = [];
  let droppedRows = 0;
  fields.forEach((line, offset) => {
    const target = row + offset;
    if (target >= value.length && items.length >= room) {
      droppedRows++;
      return;
    }
    const item: Record<string, unknown> = {};
    const existing = value[target];
    for (let index = 0; index < usable; index++) {
      const gridColumn = columns[column + index]!;
      // A ragged row (fewer fields) leaves the rest of its cells as they are.
      if (index >= line.length) continue;
      const next = textToValue(line[index]!, gridColumn);
      if (target >= value.length) {
        if (next !== undefined) item[gridColumn.name] = next;
        continue;
      }
      const current = isRecord(existing) ? existing[gridColumn.name] : undefined;
      if (!Object.is(current, next))
        changes.push({ kind: "set", row: target, column: gridColumn.name, value: next });
    }
    if (target >= value.length) items.push(item);
  });
  if (items.length > 0)
    changes.push({ kind: "splice", start: value.length, deleteCount: 0, items });
  return {
    changes,
    rows: fields.length - droppedRows,
    columns: usable,
    droppedRows,
    droppedColumns: Math.max(0, widest - usable),
  };
}

/**
 * The array after the grid's changes, as a new array (items that change are copied; the rest
 * are shared). A "set" on an item that is not an object makes it an object of that property.
 */
export function applyGridChanges(
  value: ReadonlyArray<unknown>,
  changes: readonly GridChange[],
): unknown[] {
  const next = [...value];
  for (const change of changes) {
    if (change.kind === "splice") {
      next.splice(change.start, change.deleteCount, ...change.items);
      continue;
    }
    if (change.row < 0 || change.row >= next.length) continue;
    const current = next[change.row];
    const item: Record<string, unknown> = isRecord(current) ? { ...current } : {};
    if (change.value === undefined) delete item[change.column];
    else item[change.column] = change.value;
    next[change.row] = item;
  }
  return next;
}

/** A cell's value: the item's property (undefined when the item is not an object). */
export function cellValue(value: ReadonlyArray<unknown>, row: number, column: GridColumn): unknown {
  const item = value[row];
  return isRecord(item) ? item[column.name] : undefined;
}

export interface GridErrors {
  /** Messages no cell shows, per row: the row's own, and those of properties without a column. */
  byRow: Map<number, string[]>;
  /** Every row and cell with a problem, in reading order (a row's own problem: column -1). */
  places: { row: number; col: number }[];
}

/** The validator's messages about the array, sorted out for the grid. */
export function readGridErrors(
  errors: ReadonlyMap<string, string>,
  pointer: string,
  columns: readonly GridColumn[],
): GridErrors {
  const byRow = new Map<number, string[]>();
  const places: { row: number; col: number }[] = [];
  const columnOf = new Map(columns.map((column, col) => [escapePointerToken(column.name), col]));
  const prefix = `${pointer}/`;
  for (const [at, message] of errors) {
    if (!at.startsWith(prefix)) continue;
    const [index, token, ...deeper] = at.slice(prefix.length).split("/");
    if (!index || !/^\d+$/.test(index)) continue;
    const row = Number(index);
    const col = token === undefined ? undefined : columnOf.get(token);
    places.push({ row, col: col ?? -1 });
    if (col !== undefined && deeper.length === 0) continue;
    const label = token === undefined ? message : `${token}: ${message}`;
    byRow.set(row, [...(byRow.get(row) ?? []), label]);
  }
  places.sort((a, b) => a.row - b.row || a.col - b.col);
  return { byRow, places };
}

/** The texts of the block of cells from (top, left) to (bottom, right), row by row (for a copy). */
export function blockFields(
  value: ReadonlyArray<unknown>,
  columns: readonly GridColumn[],
  block: { top: number; bottom: number; left: number; right: number },
): string[][] {
  const lines: string[][] = [];
  for (let row = block.top; row <= Math.min(block.bottom, value.length - 1); row++) {
    const line: string[] = [];
    for (let col = block.left; col <= Math.min(block.right, columns.length - 1); col++)
      line.push(valueToText(cellValue(value, row, columns[col]!)));
    lines.push(line);
  }
  return lines;
}

/**
 * Where a navigation key moves the focus (spreadsheet keys: Ctrl+arrows to the edges, Home and
 * End in the row, Ctrl+Home/End to the corners, PageUp/Down by a page); null for other keys.
 * The result may lie outside the grid: the caller clamps it.
 */
export function moveFor(
  key: string,
  ctrl: boolean,
  at: { row: number; col: number },
  grid: { lastRow: number; lastCol: number; pageRows: number },
): { row: number; col: number } | null {
  const { row, col } = at;
  switch (key) {
    case "ArrowUp":
      return { row: ctrl ? 0 : row - 1, col };
    case "ArrowDown":
      return { row: ctrl ? grid.lastRow : row + 1, col };
    case "ArrowLeft":
      return { row, col: ctrl ? 0 : col - 1 };
    case "ArrowRight":
      return { row, col: ctrl ? grid.lastCol : col + 1 };
    case "Home":
      return { row: ctrl ? 0 : row, col: 0 };
    case "End":
      return { row: ctrl ? grid.lastRow : row, col: grid.lastCol };
    case "PageUp":
      return { row: row - grid.pageRows, col };
    case "PageDown":
      return { row: row + grid.pageRows, col };
    default:
      return null;
  }
}
