// How the template presents one field: its header note, number format, data validation
// and column size. Pure helpers of build-template.ts.
import { typeLabel, type LayoutField } from "@/lib/spreadsheet/layout";

/** The text of a header note: required or not, the type, what is allowed, the description. */
export function noteOf(field: LayoutField): string {
  const f = field.field;
  const lines = [`${f.required ? "Required" : "Optional"} · ${typeLabel(field)}`];
  if (f.enum) lines.push(`One of: ${f.enum.map(String).join(", ")}`);
  if (f.constraints.length > 0) lines.push(f.constraints.join("; "));
  if (f.hasDefault) lines.push(`Default: ${JSON.stringify(f.default)}`);
  if (f.description) lines.push("", f.description);
  return lines.join("\n");
}

export function numberFormat(field: LayoutField): string | undefined {
  if (field.list || field.kind === "string") return "@";
  if (field.kind === "integer") return "0";
  if (field.kind === "date") return "yyyy-mm-dd";
  return undefined;
}

function limits(field: LayoutField): { min?: number; max?: number } {
  for (const c of field.field.constraints) {
    const m = /^(-?[\d.e+-]+) to (-?[\d.e+-]+)$/.exec(c);
    if (m) return { min: Number(m[1]), max: Number(m[2]) };
  }
  return {};
}

/**
 * Dropdowns for enums and booleans, whole/decimal/date checks for numbers and dates.
 * Enum lists live in the hidden sheet (a list written inline is limited to 255 chars).
 */
export function validationOf(field: LayoutField, listRange: string | undefined) {
  const base = { allowBlank: true, showErrorMessage: true, errorStyle: "stop" as const };
  if (listRange) {
    return {
      ...base,
      type: "list" as const,
      formulae: [listRange],
      error: "Pick a value from the list",
    };
  }
  if (field.list) return undefined;
  if (field.kind === "boolean") {
    return { ...base, type: "list" as const, formulae: ['"TRUE,FALSE"'], error: "TRUE or FALSE" };
  }
  const { min, max } = limits(field);
  if (field.kind === "integer" || field.kind === "number") {
    const type = field.kind === "integer" ? ("whole" as const) : ("decimal" as const);
    const range = min !== undefined && max !== undefined;
    return {
      ...base,
      type,
      operator: range ? ("between" as const) : ("greaterThan" as const),
      formulae: range ? [min, max] : [-1e15],
      error: range ? `A ${typeLabel(field)} from ${min} to ${max}` : `A ${typeLabel(field)}`,
    };
  }
  if (field.kind === "date") {
    return {
      ...base,
      type: "date" as const,
      operator: "greaterThan" as const,
      formulae: [new Date(Date.UTC(1900, 0, 1))],
      error: "A date (YYYY-MM-DD)",
    };
  }
  return undefined;
}

/** Rows do not grow by themselves when written: room for the lines wrapped text takes. */
export function heightFor(text: string, width: number): number {
  return 15 * Math.max(1, Math.ceil(text.length / (width * 1.05)));
}

/** A column wide enough for its header, its examples and the prefilled values (12 to 48). */
export function widthFor(field: LayoutField, items: unknown[]): number {
  const samples = [
    field.header,
    ...field.field.examples.map(String),
    ...items.slice(0, 50).map((item) => {
      const value = valueAt(item, field.key);
      return typeof value === "string" ? value : (JSON.stringify(value) ?? "");
    }),
  ];
  return Math.min(48, Math.max(12, ...samples.map((text) => text.length + 3)));
}

export function valueAt(value: unknown, key: string[]): unknown {
  let node = value;
  for (const segment of key) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
