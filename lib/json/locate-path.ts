/**
 * Where a value is in a JSON text, found by walking only along its path: members before it
 * are skipped with a bracket count (no keys collected, no tree built), members after it are
 * never read. A property near the top of a 5 MB config is found in microseconds; one after a
 * 5 MB array, in a few ms (see scan-json.ts for the full scan, which also finds duplicates).
 * For text JSON.parse accepts; on anything else the answer is null.
 */

export interface PathSpan {
  /** The value's offset and length. */
  offset: number;
  length: number;
  /** Where its property name starts, when it is an object member. */
  keyOffset?: number;
}

export type PathLocation =
  /** `parentOffset`: where the object or array holding it starts (-1 for the root). */
  | { found: true; value: PathSpan; parentOffset: number }
  /** The value is missing; `parent`: the object or array that would hold it. */
  | { found: false; parent: PathSpan };

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** From an opening quote to just after the closing one. */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i + 1;
  }
  return i;
}

/** From a value's first character to just after it. */
export function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 34) return skipString(text, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === 34) j = skipString(text, j) - 1;
      else if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return text.length;
  }
  let j = i;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || isSpace(d)) break;
    j++;
  }
  return j;
}

/** The key of the member whose name starts at `i` (decoded when it has escapes), and its end. */
function readKey(text: string, i: number): { key: string; end: number } {
  const end = skipString(text, i);
  const raw = text.slice(i + 1, end - 1);
  return { key: raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw, end };
}

/** The value at `path` (keys and array indexes), or the container that would hold it. */
export function locatePath(text: string, path: readonly (string | number)[]): PathLocation | null {
  let at = skipSpace(text, 0);
  if (at >= text.length) return null;
  let keyOffset: number | undefined;
  let parentOffset = -1;
  for (const segment of path) {
    const open = text.charCodeAt(at);
    const container = { offset: at, length: 0 };
    let j = skipSpace(text, at + 1);
    let found = false;
    if (open === 123) {
      const wanted = String(segment);
      while (j < text.length && text.charCodeAt(j) !== 125) {
        if (text.charCodeAt(j) !== 34) return null;
        const keyStart = j;
        const { key, end } = readKey(text, j);
        j = skipSpace(text, end);
        if (text.charCodeAt(j) !== 58) return null; // the colon
        j = skipSpace(text, j + 1);
        if (key === wanted) {
          found = true;
          keyOffset = keyStart;
          break;
        }
        j = skipSpace(text, skipValue(text, j));
        if (text.charCodeAt(j) === 44) j = skipSpace(text, j + 1);
      }
    } else if (open === 91) {
      const wanted = typeof segment === "number" ? segment : Number(segment);
      for (let index = 0; j < text.length && text.charCodeAt(j) !== 93; index++) {
        if (index === wanted) {
          found = true;
          keyOffset = undefined;
          break;
        }
        j = skipSpace(text, skipValue(text, j));
        if (text.charCodeAt(j) === 44) j = skipSpace(text, j + 1);
      }
    } else return null;
    if (!found) {
      if (j >= text.length) return null;
      container.length = j + 1 - at; // j: at the closing bracket
      return { found: false, parent: container };
    }
    parentOffset = at;
    at = j;
  }
  const value: PathSpan = { offset: at, length: skipValue(text, at) - at };
  if (keyOffset !== undefined) value.keyOffset = keyOffset;
  return { found: true, value, parentOffset };
}

/**
 * The array at `path`: its span, its length, and the spans of the rows asked for, in one
 * walk of the array up to the last of them... and to its end, to count it.
 */
export function locateRows(
  text: string,
  path: readonly (string | number)[],
  rows: Iterable<number>,
): { array: PathSpan; count: number; rows: Map<number, PathSpan> } | null {
  const located = locatePath(text, path);
  if (!located?.found || text.charCodeAt(located.value.offset) !== 91) return null;
  const array = located.value;
  const wanted = new Set(rows);
  const spans = new Map<number, PathSpan>();
  let j = skipSpace(text, array.offset + 1);
  let count = 0;
  const close = array.offset + array.length - 1;
  while (j < close) {
    const end = skipValue(text, j);
    if (wanted.has(count)) spans.set(count, { offset: j, length: end - j });
    count++;
    j = skipSpace(text, end);
    if (text.charCodeAt(j) === 44) j = skipSpace(text, j + 1);
  }
  return { array, count, rows: spans };
}
