import { findNodeAtLocation, modify, parseTree } from "jsonc-parser";
import { locatePath, locateRows, type PathSpan } from "@/lib/json/locate-path";
import type { TextEdit } from "@/lib/json/string-index";
import { applyGridChanges, type GridChange } from "./grid-values";

/** One change of a grid, as components/schema-form/array-grid.tsx reports it. */
export type GridEdit = GridChange;

const FORMAT = { tabSize: 2, insertSpaces: true, eol: "\n" } as const;

type Path = (string | number)[];

/** jsonc-parser's edits in the editor's terms. */
function toTextEdits(edits: { offset: number; length: number; content: string }[]): TextEdit[] {
  return edits.map((e) => ({ offset: e.offset, length: e.length, text: e.content }));
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

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/** jsonc-parser's `modify` (parses the whole text: the slow path, for unusual shapes). */
function modifyEdits(text: string, path: Path, value: unknown): TextEdit[] {
  const root = parseTree(text);
  if (!root || root.type !== "object") {
    if (value === undefined) return [];
    let next = "{}";
    for (const e of modify(next, path, value, { formattingOptions: FORMAT }))
      next = next.slice(0, e.offset) + e.content + next.slice(e.offset + e.length);
    return [{ offset: 0, length: text.length, text: `${next}\n` }];
  }
  return toTextEdits(modify(text, path, value, { formattingOptions: FORMAT }));
}

/** Removes an object member (key to value) and one comma next to it. */
function removeMember(text: string, span: PathSpan & { keyOffset: number }): TextEdit {
  const end = span.offset + span.length;
  let k = end;
  while (k < text.length && isSpace(text.charCodeAt(k))) k++;
  if (text[k] === ",") {
    k++;
    while (k < text.length && isSpace(text.charCodeAt(k))) k++;
    return { offset: span.keyOffset, length: k - span.keyOffset, text: "" };
  }
  let p = span.keyOffset - 1;
  while (p >= 0 && isSpace(text.charCodeAt(p))) p--;
  if (text[p] === ",") return { offset: p, length: end - p, text: "" };
  return { offset: p + 1, length: k - p - 1, text: "" }; // the only member: "{}"
}

/** Adds a member at the end of an object. */
function addMember(text: string, object: PathSpan, key: string, value: unknown): TextEdit {
  const close = object.offset + object.length - 1;
  let j = close - 1;
  while (j > object.offset && isSpace(text.charCodeAt(j))) j--;
  const outer = indentAt(text, object.offset);
  const inner = `${outer}  `;
  const member = `${JSON.stringify(key)}: ${serialize(value, inner)}`;
  if (j === object.offset)
    return { offset: j + 1, length: close - j - 1, text: `\n${inner}${member}\n${outer}` };
  return { offset: j + 1, length: 0, text: `,\n${inner}${member}` };
}

/**
 * The edits that set the value at `path` (undefined removes the property), found with one
 * walk along its path (lib/json/locate-path.ts: no tree built, nothing after it read): only
 * the value's own text changes and the rest keeps its formatting. A text that is not a JSON
 * object (yet) is replaced by an object with that one value.
 */
export function setValueEdits(text: string, path: Path, value: unknown): TextEdit[] {
  const located = locatePath(text, path);
  if (!located) return modifyEdits(text, path, value);
  if (located.found) {
    const span = located.value;
    if (value !== undefined) {
      const indent = indentAt(text, span.keyOffset ?? span.offset);
      return [{ offset: span.offset, length: span.length, text: serialize(value, indent) }];
    }
    if (span.keyOffset !== undefined)
      return [removeMember(text, span as PathSpan & { keyOffset: number })];
    return modifyEdits(text, path, value);
  }
  if (value === undefined) return [];
  const { parent } = located;
  // A missing key in an existing object: one member added; deeper or in arrays: jsonc.
  if (text[parent.offset] !== "{" || !isParentOf(text, parent, path))
    return modifyEdits(text, path, value);
  return [addMember(text, parent, String(path[path.length - 1]), value)];
}

/** Whether the container found is the value's own parent (not an ancestor further up). */
function isParentOf(text: string, parent: PathSpan, path: Path): boolean {
  if (path.length === 1) return parent.offset === text.search(/\S/);
  const above = locatePath(text, path.slice(0, -1));
  return above?.found === true && above.value.offset === parent.offset;
}

/** An array in the text: its range and its rows' ranges. */
interface ArrayView {
  offset: number;
  length: number;
  count: number;
  row(i: number): PathSpan;
}

/**
 * The array at `path` with the rows asked for located, by one walk of the array (no tree);
 * the slow path (a full parse) when the text is not as expected.
 */
function arrayAt(text: string, path: Path, rows: Iterable<number>): ArrayView | null {
  const located = locateRows(text, path, rows);
  if (located) {
    const { array, count } = located;
    return {
      offset: array.offset,
      length: array.length,
      count,
      row: (i) => located.rows.get(i) ?? { offset: array.offset, length: 0 },
    };
  }
  const root = parseTree(text);
  const node = root ? findNodeAtLocation(root, path) : undefined;
  if (node?.type !== "array") return null;
  const children = node.children ?? [];
  return {
    offset: node.offset,
    length: node.length,
    count: children.length,
    row: (i) => ({ offset: children[i]!.offset, length: children[i]!.length }),
  };
}

/** One splice of the array as a single edit of the rows it covers (never the whole array). */
function spliceEdits(
  text: string,
  array: ArrayView,
  change: Extract<GridEdit, { kind: "splice" }>,
): TextEdit[] {
  const count = array.count;
  const start = Math.max(0, Math.min(change.start, count));
  const end = Math.min(count, start + Math.max(0, change.deleteCount));
  const outer = indentAt(text, array.offset);
  const indent = count > 0 ? indentAt(text, array.row(0).offset) : `${outer}  `;
  const joined = change.items.map((item) => serialize(item, indent)).join(`,\n${indent}`);
  const left = count - (end - start) + change.items.length;
  if (left === 0) return [{ offset: array.offset, length: array.length, text: "[]" }];
  if (count === 0)
    return [
      { offset: array.offset, length: array.length, text: `[\n${indent}${joined}\n${outer}]` },
    ];
  const endOf = (s: PathSpan) => s.offset + s.length;
  if (change.items.length === 0) {
    // Deleting: the rows and the separator on one side.
    if (end < count) {
      const from = array.row(start).offset;
      return [{ offset: from, length: array.row(end).offset - from, text: "" }];
    }
    const from = endOf(array.row(start - 1));
    return [{ offset: from, length: endOf(array.row(end - 1)) - from, text: "" }];
  }
  if (end > start) {
    const from = array.row(start).offset;
    return [{ offset: from, length: endOf(array.row(end - 1)) - from, text: joined }];
  }
  // Inserting only.
  if (start < count)
    return [{ offset: array.row(start).offset, length: 0, text: `${joined},\n${indent}` }];
  return [{ offset: endOf(array.row(count - 1)), length: 0, text: `,\n${indent}${joined}` }];
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
  const only = changes[0]!;
  if (changes.length === 1 && only.kind === "set" && only.row < current.length) {
    return setValueEdits(text, [...path, only.row, only.column], only.value);
  }
  const count = current.length;
  const setsOnly = changes.every((c) => c.kind === "set" && c.row < count);
  // A loop, not Math.min(...): a paste may hold more changes than a call takes arguments.
  let first = count;
  for (const c of changes) first = Math.min(first, c.kind === "set" ? c.row : c.start);
  const wanted = new Set<number>();
  const touched = new Set<number>();
  if (setsOnly) {
    for (const c of changes) touched.add((c as { row: number }).row);
    for (const i of touched) wanted.add(i);
  } else {
    const s = changes.length === 1 && only.kind === "splice" ? only : null;
    const from = s ? s.start : first;
    const to = s ? s.start + s.deleteCount : count;
    for (const i of [0, from - 1, from, to - 1, to]) wanted.add(i);
  }
  if (count > 0) wanted.add(count - 1);
  const array = arrayAt(text, path, wanted);
  if (!array) return modifyEdits(text, path, applyGridChanges(current, changes));
  // The text and the grid's value disagree (the text was replaced and not parsed again yet):
  // nothing is written rather than rows the grid has not seen lost; the form shows the text
  // as it is at its next parse.
  if (array.count !== count) return [];
  if (changes.length === 1 && only.kind === "splice") return spliceEdits(text, array, only);
  const next = applyGridChanges(current, changes);
  const indent = count > 0 ? indentAt(text, array.row(0).offset) : "";
  if (setsOnly) {
    return [...touched]
      .sort((a, b) => a - b)
      .map((i) => ({
        offset: array.row(i).offset,
        length: array.row(i).length,
        text: serialize(next[i], indent),
      }));
  }
  // Sets and splices mixed (a paste past the end): the rows from the first one touched.
  return spliceEdits(text, array, {
    kind: "splice",
    start: first,
    deleteCount: count - first,
    items: next.slice(first) as Record<string, unknown>[],
  });
}

/** Applies edits to a text (for tests and for the page's own checks). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset))
    out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
  return out;
}
