/**
 * Where every string value and every line of a JSON text sits, so that an edit inside
 * one string can be followed without reading the text again (the editor's check of a
 * 5 MB config, at each keystroke). Built in one pass over text that JSON.parse has
 * accepted and in which no key is given twice; offsets are UTF-16 code units.
 */

/** One edit of a text (offsets in UTF-16 code units, against the text before it). */
export interface TextEdit {
  offset: number;
  length: number;
  text: string;
}

export interface StringIndex {
  count: number;
  /** Offset of each string value's opening quote, in text order. */
  starts: Int32Array;
  /** Offset just after each string value's closing quote. */
  ends: Int32Array;
  /** The property name's quotes when the string is an object member's value, else -1. */
  keyStarts: Int32Array;
  keyEnds: Int32Array;
  /** 1 when the string holds an escape (its text is not its value). */
  escaped: Uint8Array;
  /** Each string's container (an index into `containers`) and its key or index there. */
  container: Int32Array;
  segment: (string | number)[];
  /** Each container's parent container (-1 for the root) and its key or index there. */
  containers: { parent: number; segment: string | number | null }[];
  /** Offset of the first character of each line (line 1 at 0). */
  lineStarts: Int32Array;
}

function grow<T extends Int32Array | Uint8Array>(array: T, size: number): T {
  if (size < array.length) return array;
  const bigger = new (array.constructor as new (n: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}

/** Indexes `text`; null when the root is not an object or an array (nothing to follow). */
export function indexStrings(text: string): StringIndex | null {
  let starts = new Int32Array(1024);
  let ends = new Int32Array(1024);
  let keyStarts = new Int32Array(1024);
  let keyEnds = new Int32Array(1024);
  let escaped = new Uint8Array(1024);
  let container = new Int32Array(1024);
  const segment: (string | number)[] = [];
  const containers: StringIndex["containers"] = [];
  let lineStarts = new Int32Array(1024);
  let lines = 1; // lineStarts[0] = 0
  let count = 0;
  // The open containers: index into `containers`, whether an object, the next array index.
  const stack: { id: number; object: boolean; index: number }[] = [];
  let key: string | null = null;
  let keyStart = -1;
  let keyEnd = -1;
  let expectKey = false;
  const n = text.length;
  let i = 0;

  // The next backslash, searched again only once passed (most texts have none or few).
  let backslash = -1;
  // At an opening quote: moves past the closing one; true when an escape was met.
  const skipString = (): boolean => {
    if (backslash !== Infinity && backslash <= i) {
      const found = text.indexOf("\\", i + 1);
      backslash = found < 0 ? Infinity : found;
    }
    const quote = text.indexOf('"', i + 1);
    if (quote >= 0 && quote < backslash) {
      i = quote + 1; // no escape inside: the native search is many times quicker
      return false;
    }
    let escapes = false;
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 92) {
        escapes = true;
        i++;
      } else if (c === 34) {
        i++;
        return escapes;
      }
    }
    return escapes;
  };
  const here = (top: { object: boolean; index: number }): string | number =>
    top.object ? (key ?? "") : top.index;

  const first = text.search(/\S/);
  if (first < 0 || (text[first] !== "{" && text[first] !== "[")) return null;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStarts = grow(lineStarts, lines + 1);
      lineStarts[lines++] = ++i;
    } else if (c === 32 || c === 13 || c === 9 || c === 58 /* : */) i++;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      const top = stack[stack.length - 1];
      containers.push({ parent: top?.id ?? -1, segment: top ? here(top) : null });
      stack.push({ id: containers.length - 1, object: c === 123, index: 0 });
      expectKey = c === 123;
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      expectKey = false;
      i++;
    } else if (c === 44 /* , */) {
      const top = stack[stack.length - 1]!;
      if (top.object) expectKey = true;
      else top.index++;
      i++;
    } else if (c === 34 /* " */ && expectKey) {
      keyStart = i;
      const escapes = skipString();
      keyEnd = i;
      const raw = text.slice(keyStart + 1, keyEnd - 1);
      key = escapes ? (JSON.parse(`"${raw}"`) as string) : raw;
      expectKey = false;
    } else if (c === 34) {
      const top = stack[stack.length - 1]!;
      const start = i;
      const escapes = skipString();
      const size = count + 1;
      starts = grow(starts, size);
      ends = grow(ends, size);
      keyStarts = grow(keyStarts, size);
      keyEnds = grow(keyEnds, size);
      escaped = grow(escaped, size);
      container = grow(container, size);
      starts[count] = start;
      ends[count] = i;
      keyStarts[count] = top.object ? keyStart : -1;
      keyEnds[count] = top.object ? keyEnd : -1;
      escaped[count] = escapes ? 1 : 0;
      container[count] = top.id;
      segment.push(here(top));
      count++;
    } else i++; // numbers, true, false, null
  }
  return {
    count,
    starts,
    ends,
    keyStarts,
    keyEnds,
    escaped,
    container,
    segment,
    containers,
    lineStarts: lineStarts.subarray(0, lines),
  };
}

/** The key and index path from the root to string `id`. */
export function segmentsOf(index: StringIndex, id: number): (string | number)[] {
  const path: (string | number)[] = [index.segment[id]!];
  for (let c = index.container[id]!; c >= 0; c = index.containers[c]!.parent) {
    const { segment } = index.containers[c]!;
    if (segment !== null) path.push(segment);
  }
  return path.reverse();
}

/** The last entry of the sorted `array` (first `size` entries) that is ≤ `value`, or -1. */
export function lastAtMost(array: Int32Array, size: number, value: number): number {
  let low = 0;
  let high = size - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (array[mid]! <= value) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/** 1-based line and column of `offset`, from the line index. */
export function lineColumn(index: StringIndex, offset: number): { line: number; column: number } {
  const line = lastAtMost(index.lineStarts, index.lineStarts.length, offset);
  return { line: line + 1, column: offset - index.lineStarts[line]! + 1 };
}

/**
 * The string whose characters (between its quotes) hold the whole edit, when the edit
 * keeps it a plain string: no escape before or after, no quote, backslash or control
 * character typed. Else -1 (the text must be read again).
 */
export function stringHolding(index: StringIndex, edit: TextEdit): number {
  const id = lastAtMost(index.starts, index.count, edit.offset - 1);
  if (id < 0 || index.escaped[id]) return -1;
  if (edit.offset + edit.length > index.ends[id]! - 1) return -1;
  for (let k = 0; k < edit.text.length; k++) {
    const c = edit.text.charCodeAt(k);
    if (c < 32 || c === 34 || c === 92) return -1;
  }
  return id;
}

/** Moves everything after string `id` by `delta` (its own text grew or shrank by it). */
export function shiftAfter(index: StringIndex, id: number, at: number, delta: number): void {
  index.ends[id]! += delta;
  for (let k = id + 1; k < index.count; k++) {
    index.starts[k]! += delta;
    index.ends[k]! += delta;
    if (index.keyStarts[k]! >= 0) {
      index.keyStarts[k]! += delta;
      index.keyEnds[k]! += delta;
    }
  }
  // No line starts inside a string: every later line moves.
  const lines = index.lineStarts;
  for (let k = lastAtMost(lines, lines.length, at) + 1; k < lines.length; k++) lines[k]! += delta;
}
