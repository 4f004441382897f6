/**
 * Turns what a spreadsheet cell holds into the JSON value its schema field expects:
 * numbers stored as text become numbers, numeric cells become strings without a
 * spurious ".0", TRUE/yes/1 become true, date cells become ISO dates. Pure.
 */
import type { CellKind, LayoutField } from "./layout";

/** A cell's content after reading: text, number, boolean, date, or nothing. */
export type CellContent = string | number | boolean | Date | null;

export type Converted = { ok: true; value: unknown } | { ok: false; message: string };

const TRUE_WORDS = new Set(["true", "yes", "y", "1"]);
const FALSE_WORDS = new Set(["false", "no", "n", "0"]);
const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_TEXT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** Days between the spreadsheet epoch (1899-12-30) and 1970-01-01. */
const EPOCH_OFFSET_DAYS = 25569;

function quoted(content: Exclude<CellContent, null>): string {
  if (content instanceof Date) return isoDate(content);
  return typeof content === "string" ? JSON.stringify(content) : String(content);
}

/** YYYY-MM-DD naming a day that exists (not 2024-13-45). */
function isRealDate(text: string): boolean {
  if (!DATE_TEXT.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && isoDate(date) === text;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function toText(content: Exclude<CellContent, null>): string {
  if (content instanceof Date) {
    const iso = content.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? isoDate(content) : iso;
  }
  // String(12) is "12", never "12.0": a numeric cell becomes the text a person typed.
  return String(content);
}

function convertScalar(content: Exclude<CellContent, null>, kind: CellKind): Converted {
  const ok = (value: unknown): Converted => ({ ok: true, value });
  const fail = (expected: string): Converted => ({
    ok: false,
    message: `expected ${expected}, got ${quoted(content)}`,
  });
  const text = typeof content === "string" ? content.trim() : null;
  switch (kind) {
    case "string":
      return ok(toText(content));
    case "any":
      return ok(content instanceof Date ? toText(content) : content);
    case "integer":
      if (typeof content === "number" && Number.isSafeInteger(content)) return ok(content);
      if (text !== null && INTEGER_TEXT.test(text) && Number.isSafeInteger(Number(text))) {
        return ok(Number(text));
      }
      return fail("a whole number");
    case "number":
      if (typeof content === "number") return ok(content);
      if (text !== null && NUMBER_TEXT.test(text) && Number.isFinite(Number(text))) {
        return ok(Number(text));
      }
      return fail("a number");
    case "boolean":
      if (typeof content === "boolean") return ok(content);
      if (content === 1 || content === 0) return ok(content === 1);
      if (text !== null && TRUE_WORDS.has(text.toLowerCase())) return ok(true);
      if (text !== null && FALSE_WORDS.has(text.toLowerCase())) return ok(false);
      return fail("TRUE or FALSE (or yes/no, 1/0)");
    case "date":
      if (content instanceof Date) return ok(isoDate(content));
      if (typeof content === "number" && content > 0 && content < 2958466) {
        const ms = Math.round((content - EPOCH_OFFSET_DAYS) * 86_400_000);
        return ok(isoDate(new Date(ms)));
      }
      if (text !== null && isRealDate(text)) return ok(text);
      return fail("a date (YYYY-MM-DD)");
    case "date-time":
      if (content instanceof Date) return ok(content.toISOString());
      if (text !== null && DATE_TIME_TEXT.test(text) && isRealDate(text.slice(0, 10))) {
        return ok(text);
      }
      return fail("a date and time (YYYY-MM-DDThh:mm:ssZ)");
  }
}

/** Whether a cell counts as empty (nothing, or only spaces). */
export function isEmptyCell(content: CellContent): content is null | "" {
  return content === null || (typeof content === "string" && content.trim() === "");
}

/**
 * The JSON value of a non-empty cell for its field. Text is trimmed; a list field
 * splits on commas and converts each part.
 */
export function convertCell(content: Exclude<CellContent, null>, field: LayoutField): Converted {
  if (field.list) {
    const parts = toText(content)
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "");
    const values: unknown[] = [];
    for (const part of parts) {
      const one = convertScalar(part, field.list);
      if (!one.ok) return { ok: false, message: `in a comma-separated list, ${one.message}` };
      values.push(one.value);
    }
    return { ok: true, value: values };
  }
  return convertScalar(typeof content === "string" ? content.trim() : content, field.kind);
}

/** What a template cell shows for a JSON value (the inverse of convertCell). */
export function cellOf(value: unknown, field: LayoutField): CellContent {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map((v) => toText(v as string)).join(", ");
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    if (field.kind === "date" && typeof value === "string" && DATE_TEXT.test(value)) {
      return new Date(`${value}T00:00:00Z`);
    }
    return value;
  }
  return JSON.stringify(value);
}
