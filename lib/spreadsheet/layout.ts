/**
 * Where each field of a pipeline's config lives in its spreadsheet template, derived
 * from the JSON Schema: top-level scalars (and the leaves of top-level objects, as
 * `outer.inner`) are rows of the "Run" sheet; each top-level array of objects is a
 * sheet of its own with one column per item property and one row per item. Arrays of
 * scalars fit in one cell (comma-separated). Deeper arrays of objects cannot be laid
 * out on a grid: they are listed as skipped and edited as JSON after upload. Pure.
 */
import { schemaFields, type SchemaField } from "../schema/schema-fields";

/** How a cell's text or number becomes a JSON value. */
export type CellKind = "string" | "integer" | "number" | "boolean" | "date" | "date-time" | "any";

export interface LayoutField {
  /** Segments from the row object (the config for "Run", the item for a table). */
  key: string[];
  /** The name people see: the header of a column or the field of a "Run" row. */
  header: string;
  field: SchemaField;
  kind: CellKind;
  /** Set for arrays of scalars: the cell holds comma-separated values of this kind. */
  list?: CellKind;
}

export interface TableLayout {
  /** The top-level property holding the array. */
  property: string;
  sheet: string;
  field: SchemaField;
  columns: LayoutField[];
}

export interface WorkbookLayout {
  fields: LayoutField[];
  tables: TableLayout[];
  /** Paths of fields the workbook cannot hold (arrays of objects below the top level). */
  skipped: string[];
}

export const RUN_SHEET = "Run";
export const README_SHEET = "README";
export const META_SHEET = "_runport";
/** Hidden: the values of reference lists, for dropdowns (never read back). */
export const LISTS_SHEET = "_lists";
// Excel reserves "History" (for change tracking).
const RESERVED = new Set(
  [RUN_SHEET, README_SHEET, META_SHEET, LISTS_SHEET, "History"].map((s) => s.toLowerCase()),
);

function mainType(field: SchemaField): string {
  return field.type.split(" | ").find((t) => t !== "null") ?? "any";
}

function scalarKind(type: string, format: string | undefined): CellKind | undefined {
  if (type === "string") {
    if (format === "date") return "date";
    if (format === "date-time") return "date-time";
    return "string";
  }
  if (type === "integer" || type === "number" || type === "boolean") return type;
  if (type === "any") return "any";
  return undefined;
}

/**
 * A sheet name Excel accepts (31 characters, none of []:*?/\, no ' at either end, not
 * "History") that no other sheet has.
 */
function sheetNameFor(property: string, taken: Set<string>): string {
  const base =
    property
      .replace(/[[\]:*?/\\]/g, "_")
      .slice(0, 28)
      .replace(/^'+|'+$/g, "") || "Sheet";
  let name = base;
  for (let i = 2; RESERVED.has(name.toLowerCase()) || taken.has(name.toLowerCase()); i++) {
    name = `${base}_${i}`;
  }
  taken.add(name.toLowerCase());
  return name;
}

type Place = { kind: "run" } | { kind: "table"; table: TableLayout } | { kind: "skip" };

/** The template's layout for one schema. */
export function workbookLayout(schema: Record<string, unknown>): WorkbookLayout {
  const layout: WorkbookLayout = { fields: [], tables: [], skipped: [] };
  const taken = new Set<string>();
  // For each depth, the segments and place of the last row seen at that depth.
  const stack: { segments: string[]; place: Place; container: boolean }[] = [];
  for (const field of schemaFields(schema)) {
    const parent = field.depth === 0 ? undefined : stack[field.depth - 1];
    const segments = [...(parent?.segments ?? []), field.name];
    let place: Place = parent ? parent.place : { kind: "run" };
    const type = mainType(field);
    // Extra keys of an object (`*`) and tuple or scalar items (`[]`, `[0]`) are no cells.
    const isWildcard = ["*", "[]"].includes(field.name) || /^\[\d+\]$/.test(field.name);
    let container = false;
    if (parent && !parent.container) place = { kind: "skip" };
    if (place.kind !== "skip" && !isWildcard) {
      const key = place.kind === "table" ? segments.slice(1) : segments;
      if (type === "object") {
        container = true;
      } else if (type === "array" && field.itemType === "object") {
        if (field.depth === 0) {
          const sheet = sheetNameFor(field.name, taken);
          const table: TableLayout = { property: field.name, sheet, field, columns: [] };
          layout.tables.push(table);
          place = { kind: "table", table };
          container = true;
        } else {
          layout.skipped.push(field.path);
        }
      } else {
        const list = type === "array" ? scalarKind(field.itemType ?? "any", undefined) : undefined;
        const kind = type === "array" ? "string" : scalarKind(type, field.format);
        if (kind && (type !== "array" || list)) {
          const entry: LayoutField = { key, header: key.join("."), field, kind };
          if (list) entry.list = list;
          if (place.kind === "table") place.table.columns.push(entry);
          else layout.fields.push(entry);
        } else {
          layout.skipped.push(field.path);
        }
      }
    }
    stack[field.depth] = { segments, place, container };
    stack.length = field.depth + 1;
  }
  // nf-schema's hidden fields come last on the Run sheet (stable: the rest keep their order).
  layout.fields.sort((a, b) => Number(a.field.hidden) - Number(b.field.hidden));
  return layout;
}

/** The type of a field in words, as the template shows it. */
export function typeLabel(field: LayoutField): string {
  if (field.list) return `list of ${field.list} values, comma-separated`;
  const labels: Record<string, string> = {
    string: "text",
    integer: "whole number",
    number: "number",
    boolean: "TRUE or FALSE",
    date: "date (YYYY-MM-DD)",
    "date-time": "date and time (ISO 8601)",
    any: "any value",
  };
  return labels[field.kind] ?? field.kind;
}

/** A spreadsheet column's letters: 1 → A, 27 → AA. */
export function columnLetters(column: number): string {
  let letters = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}
