/**
 * A fast single pass over JSON text that JSON.parse has already accepted: finds the
 * first key given twice in one object, and where given JSON Pointers sit in the text.
 * No tree is built, so a 5 MB document takes tens of milliseconds (the editor checks
 * as you type; the server checks every submission).
 */
import { toPointer } from "./parse-json";

export interface Span {
  /** Offset and length of the value. */
  offset: number;
  length: number;
  /** Offset and length of the property name, when the value is an object member. */
  keyOffset?: number;
  keyLength?: number;
}

export interface ScanResult {
  duplicate: { pointer: string; offset: number } | null;
  /** Where each wanted pointer (and each of its ancestors) is. */
  spans: Map<string, Span>;
}

interface Frame {
  object: boolean;
  /** The key or index that leads from the parent to this container. */
  segment: string | number | null;
  pointer: string;
  /** Whether values inside may be wanted (this container is on the way to one). */
  onPath: boolean;
  start: number;
  index: number;
  keys: Set<string> | null;
}

/** Every pointer and all its ancestors ("/a/0/b" → "", "/a", "/a/0", "/a/0/b"). */
export function withAncestors(pointers: Iterable<string>): Set<string> {
  const all = new Set<string>();
  for (const pointer of pointers) {
    for (let p = pointer; ; p = p.slice(0, p.lastIndexOf("/"))) {
      all.add(p);
      if (p === "") break;
    }
  }
  return all;
}

export function scanJson(text: string, pointers: Iterable<string> = []): ScanResult {
  // The containers on the way to a wanted pointer must be followed too.
  const wanted = withAncestors(pointers);
  const spans = new Map<string, Span>();
  const track = wanted.size > 0;
  const stack: Frame[] = [];
  let duplicate: ScanResult["duplicate"] = null;
  let i = 0;
  const n = text.length;
  // The pointer, key and key position of the value about to start.
  let nextPointer = "";
  let nextSegment: string | number | null = null;
  let nextKeyOffset = -1;
  let nextKeyLength = 0;

  const skipSpace = () => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
    }
  };
  const skipString = () => {
    // at the opening quote
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 92) i++;
      else if (c === 34) {
        i++;
        return;
      }
    }
  };
  const record = (pointer: string, offset: number, length: number) => {
    if (!wanted.has(pointer)) return;
    const key = nextKeyOffset >= 0 ? { keyOffset: nextKeyOffset, keyLength: nextKeyLength } : {};
    spans.set(pointer, { offset, length, ...key });
  };

  // Values, iteratively: containers push a frame; scalars are skipped and recorded.
  for (;;) {
    skipSpace();
    if (i >= n) break;
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 123 /* { */ || c === 91 /* [ */) {
      stack.push({
        object: c === 123,
        segment: nextSegment,
        pointer: nextPointer,
        onPath: track && wanted.has(nextPointer),
        start: i,
        index: 0,
        keys: c === 123 ? new Set() : null,
      });
      if (track && wanted.has(nextPointer)) record(nextPointer, i, 0); // length set on close
      i++;
      skipSpace();
      const frame = stack[stack.length - 1]!;
      if (!frame.object) {
        nextPointer = frame.onPath ? `${frame.pointer}/0` : "\u0000";
        nextSegment = 0;
        nextKeyOffset = -1;
      }
      // For objects the key is read below, with the closing brace check.
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      const frame = stack.pop()!;
      i++;
      const span = track ? spans.get(frame.pointer) : undefined;
      if (span && span.offset === frame.start) span.length = i - frame.start;
    } else if (c === 44 /* , */) {
      i++;
      if (top && !top.object) {
        top.index++;
        nextSegment = top.index;
        nextPointer = top.onPath ? `${top.pointer}/${top.index}` : "\u0000";
        nextKeyOffset = -1;
      }
    } else if (c === 34 /* " */ && top?.object && expectingKey(text, i, top)) {
      const keyStart = i;
      skipString();
      const raw = text.slice(keyStart + 1, i - 1);
      const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
      if (top.keys!.has(key) && !duplicate) {
        const segments = stack.slice(1).map((f) => f.segment!);
        duplicate = { pointer: toPointer([...segments, key]), offset: keyStart };
      }
      top.keys!.add(key);
      nextSegment = key;
      // Pointers are spelled out only on the way to a wanted one: cheap on big documents.
      nextPointer = top.onPath ? top.pointer + toPointer([key]) : "\u0000";
      nextKeyOffset = keyStart;
      nextKeyLength = i - keyStart;
      skipSpace();
      i++; // the colon
    } else {
      // A scalar value: string, number, true, false or null.
      const start = i;
      if (c === 34) skipString();
      else {
        for (; i < n; i++) {
          const d = text.charCodeAt(i);
          if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9)
            break;
        }
      }
      if (top === undefined || top.onPath) record(nextPointer, start, i - start);
    }
  }
  return { duplicate, spans };
}

/**
 * Inside an object a string is a key when it follows `{` or `,` (ignoring spaces);
 * otherwise it is the value after a colon.
 */
function expectingKey(text: string, at: number, frame: Frame): boolean {
  for (let j = at - 1; j >= frame.start; j--) {
    const c = text.charCodeAt(j);
    if (c === 32 || c === 10 || c === 13 || c === 9) continue;
    return c === 123 || c === 44;
  }
  return false;
}

/**
 * Where each problem's pointer is in the text: the value (or its property name, with
 * `atKey`), else its nearest existing ancestor (a missing property is shown on its
 * object). One scan for all of them.
 */
export function locateAll(
  text: string,
  problems: readonly { path: string; atKey?: boolean }[],
): { offset: number; length: number }[] {
  const { spans } = scanJson(
    text,
    problems.map((p) => p.path),
  );
  return problems.map(({ path, atKey }) => {
    for (let p = path; ; p = p.slice(0, p.lastIndexOf("/"))) {
      const span = spans.get(p);
      if (span && atKey && p === path && span.keyOffset !== undefined)
        return { offset: span.keyOffset, length: span.keyLength ?? 0 };
      if (span) return { offset: span.offset, length: span.length };
      if (p === "") return { offset: 0, length: 0 };
    }
  });
}
