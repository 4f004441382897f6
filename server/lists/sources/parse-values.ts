import { createHash } from "node:crypto";
import { MAX_LIST_VALUES, MAX_VALUE_LENGTH, type TListFormat } from "@/lib/contract/lists";
import { isJsonObject, pointerSegments } from "@/lib/json/parse-json";
import { parseCsv } from "@/lib/spreadsheet/parse-csv";
import { ListSourceError } from "./list-source-error";

export interface ListEntry {
  value: string;
  label: string | null;
}

/**
 * Keeps each value once (the first label wins), trimmed; empty values are dropped. A value
 * or label over 255 characters, or more than MAX_LIST_VALUES values, fails the refresh:
 * cutting them would store values nobody listed.
 */
export function normalizeEntries(
  raw: Iterable<ListEntry>,
  maxValues = MAX_LIST_VALUES,
): ListEntry[] {
  const seen = new Map<string, ListEntry>();
  for (const entry of raw) {
    const value = entry.value.trim();
    if (value === "" || seen.has(value)) continue;
    const label = entry.label?.trim() || null;
    if (value.length > MAX_VALUE_LENGTH || (label?.length ?? 0) > MAX_VALUE_LENGTH) {
      throw new ListSourceError(
        `a value or label is longer than ${MAX_VALUE_LENGTH} characters: ${value.slice(0, 40)}…`,
      );
    }
    if (seen.size >= maxValues) {
      throw new ListSourceError(`the source has more than ${maxValues} values`);
    }
    seen.set(value, { value, label });
  }
  return [...seen.values()];
}

/** The hash of a set of entries: the same values and labels in any order hash alike. */
export function hashEntries(entries: readonly ListEntry[], userId: number | null = null): string {
  const hash = createHash("sha256");
  const sorted = [...entries].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  for (const e of sorted) hash.update(`${userId ?? ""}\0${e.value}\0${e.label ?? ""}\n`);
  return hash.digest("hex");
}

function columnIndex(header: string[] | null, column: string | number, what: string): number {
  if (typeof column === "number") return column;
  const index = header?.indexOf(column) ?? -1;
  if (index < 0) throw new ListSourceError(`the ${what} column "${column}" is not in the header`);
  return index;
}

function fromTable(text: string, format: Extract<TListFormat, { format: "csv" | "tsv" }>) {
  const parsed = parseCsv(text, { maxRows: MAX_LIST_VALUES + 1, maxColumns: 1000 });
  if (!parsed.ok) throw new ListSourceError(`not readable as ${format.format}: ${parsed.message}`);
  const header = format.header ? (parsed.rows[0] ?? []) : null;
  const rows = format.header ? parsed.rows.slice(1) : parsed.rows;
  const valueAt = columnIndex(header, format.valueColumn, "value");
  const labelAt =
    format.labelColumn === undefined ? null : columnIndex(header, format.labelColumn, "label");
  return rows.map((row) => ({
    value: row[valueAt] ?? "",
    label: labelAt === null ? null : (row[labelAt] ?? null),
  }));
}

function at(document: unknown, pointer: string): unknown {
  let current = document;
  for (const key of pointerSegments(pointer)) {
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isJsonObject(current)) current = current[key];
    else return undefined;
  }
  return current;
}

const scalar = (value: unknown): string | null =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : null;

function fromJson(text: string, format: Extract<TListFormat, { format: "json" }>) {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new ListSourceError("not valid JSON");
  }
  const items = at(document, format.items);
  if (!Array.isArray(items)) {
    throw new ListSourceError(`no array at "${format.items}" of the JSON document`);
  }
  return items.map((item) => ({
    value: scalar(at(item, format.valuePointer)) ?? "",
    label: format.labelPointer === undefined ? null : scalar(at(item, format.labelPointer)),
  }));
}

/** The entries of a source's text, read as its format says, normalized. */
export function parseValues(text: string, format: TListFormat, maxValues?: number): ListEntry[] {
  const raw =
    format.format === "json"
      ? fromJson(text, format)
      : format.format === "lines"
        ? text.split(/\r?\n/).map((value) => ({ value, label: null }))
        : fromTable(text, format);
  return normalizeEntries(raw, maxValues);
}
