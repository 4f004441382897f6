import { findNodeAtLocation, modify, parseTree, type Node } from "jsonc-parser";
import type { TextEdit } from "@/lib/json/string-index";

/** One change of a grid, as components/schema-form/array-grid.tsx reports it. */
export type GridEdit =
  | { kind: "set"; row: number; column: string; value: unknown }
  | { kind: "splice"; start: number; deleteCount: number; items: Record<string, unknown>[] };

const FORMAT = { tabSize: 2, insertSpaces: true, eol: "\n" } as const;

type Path = (string | number)[];

/** jsonc-parser's edits in the editor's terms. */
function toTextEdits(edits: { offset: number; length: number; content: string }[]): TextEdit[] {
  return edits.map((e) => ({ offset: e.offset, length: e.length, text: e.content }));
}

/**
 * The edits that set the value at `path` (undefined removes the property): jsonc-parser's
 * `modify`, so only the value's own text changes and the rest keeps its formatting. A text
 * that is not a JSON object (yet) is replaced by an object with that one value.
 */
export function setValueEdits(text: string, path: Path, value: unknown): TextEdit[] {
  const root = parseTree(text);
  if (!root || root.type !== "object") {
    if (value === undefined) return [];
    const fresh = modify("{}", path, value, { formattingOptions: FORMAT });
    let next = "{}";
    for (const e of fresh)
      next = next.slice(0, e.offset) + e.content + next.slice(e.offset + e.length);
    return [{ offset: 0, length: text.length, text: `${next}\n` }];
  }
  const node = findNodeAtLocation(root, path);
  // A scalar replaced by a scalar: the value's own range, nothing else parsed or written.
  if (node && value !== undefined && node.type !== "object" && node.type !== "array") {
    return [{ offset: node.offset, length: node.length, text: JSON.stringify(value) }];
  }
  return toTextEdits(modify(text, path, value, { formattingOptions: FORMAT }));
}

/** The indentation of the line `offset` is on. */
function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
}

/** A value as pretty JSON, every line after the first indented by `indent`. */
function serialize(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
}

function rowsOf(node: Node | undefined): Node[] {
  return node?.type === "array" ? (node.children ?? []) : [];
}

/** One splice of the array at `path` as a single edit of the array's range. */
function spliceEdits(
  text: string,
  array: Node,
  change: Extract<GridEdit, { kind: "splice" }>,
): TextEdit[] {
  const rows = rowsOf(array);
  const start = Math.max(0, Math.min(change.start, rows.length));
  const end = Math.min(rows.length, start + Math.max(0, change.deleteCount));
  const outer = indentAt(text, array.offset);
  const indent = rows[0] ? indentAt(text, rows[0].offset) : `${outer}  `;
  const joined = change.items.map((item) => serialize(item, indent)).join(`,\n${indent}`);
  const left = rows.length - (end - start) + change.items.length;
  if (left === 0) return [{ offset: array.offset, length: array.length, text: "[]" }];
  if (rows.length === 0)
    return [
      { offset: array.offset, length: array.length, text: `[\n${indent}${joined}\n${outer}]` },
    ];
  const first = rows[start];
  const last = rows[end - 1];
  if (change.items.length === 0) {
    // Deleting: the rows and the separator on one side.
    if (end < rows.length) {
      const from = first!.offset;
      return [{ offset: from, length: rows[end]!.offset - from, text: "" }];
    }
    const before = rows[start - 1]!;
    const from = before.offset + before.length;
    return [{ offset: from, length: last!.offset + last!.length - from, text: "" }];
  }
  if (end > start) {
    const from = first!.offset;
    return [{ offset: from, length: last!.offset + last!.length - from, text: joined }];
  }
  // Inserting only.
  if (start < rows.length)
    return [{ offset: first!.offset, length: 0, text: `${joined},\n${indent}` }];
  const tail = rows[rows.length - 1]!;
  return [{ offset: tail.offset + tail.length, length: 0, text: `,\n${indent}${joined}` }];
}

/** A row with a column set (undefined removes it); a row that is not an object starts empty. */
function withCell(row: unknown, column: string, value: unknown): Record<string, unknown> {
  const base =
    row !== null && typeof row === "object" && !Array.isArray(row)
      ? { ...(row as Record<string, unknown>) }
      : {};
  if (value === undefined) delete base[column];
  else base[column] = value;
  return base;
}

/**
 * The edits that apply a grid's changes (one user action) to the array at `path` of the
 * config's text, against the text as it is (non-overlapping, one undo step):
 * - one cell set: the value's own range (jsonc `modify` when the property is added or removed);
 * - cells set in several rows: each changed row rewritten (its range only);
 * - one splice: one edit of the rows it covers (never the rest of the array);
 * - splices and sets mixed (a paste past the end): the rows from the first one touched.
 * A missing array is created with the rows.
 */
export function gridEdits(
  text: string,
  path: Path,
  current: ReadonlyArray<unknown>,
  changes: readonly GridEdit[],
): TextEdit[] {
  if (changes.length === 0) return [];
  const root = parseTree(text);
  const array = root ? findNodeAtLocation(root, path) : undefined;
  if (!array || array.type !== "array") {
    return setValueEdits(text, path, applyGridChanges(current, changes));
  }
  const rows = rowsOf(array);
  const only = changes[0]!;
  if (changes.length === 1 && only.kind === "set" && only.row < rows.length) {
    return setValueEdits(text, [...path, only.row, only.column], only.value);
  }
  if (changes.length === 1 && only.kind === "splice") return spliceEdits(text, array, only);
  const next = applyGridChanges(current, changes);
  const indent = rows[0] ? indentAt(text, rows[0].offset) : "";
  if (changes.every((c) => c.kind === "set" && c.row < rows.length)) {
    const touched = [...new Set(changes.map((c) => (c as { row: number }).row))].sort(
      (a, b) => a - b,
    );
    return touched.map((i) => ({
      offset: rows[i]!.offset,
      length: rows[i]!.length,
      text: serialize(next[i], indent),
    }));
  }
  const from = Math.min(...changes.map((c) => (c.kind === "set" ? c.row : c.start)), rows.length);
  return spliceEdits(text, array, {
    kind: "splice",
    start: from,
    deleteCount: rows.length - from,
    items: next.slice(from) as Record<string, unknown>[],
  });
}

/** The array after the changes, applied in order (the value the grid will show next). */
export function applyGridChanges(
  current: ReadonlyArray<unknown>,
  changes: readonly GridEdit[],
): unknown[] {
  const next = [...current];
  for (const c of changes) {
    if (c.kind === "splice") next.splice(c.start, c.deleteCount, ...c.items);
    else if (c.row >= 0 && c.row <= next.length)
      next[c.row] = withCell(next[c.row], c.column, c.value);
  }
  return next;
}

/** Applies edits to a text (for tests and for the page's own checks). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset))
    out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
  return out;
}
