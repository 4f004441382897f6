import { parseTree, printParseErrorCode, type ParseError } from "jsonc-parser";

/** Where something is in a text: 1-based line and column, 0-based offset. */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

export type ParseJsonResult =
  { ok: true; value: unknown } | { ok: false; message: string; position: TextPosition };

/** Converts an offset into a 1-based line and column. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: end - lineStart + 1 };
}

const MESSAGES: Partial<Record<string, string>> = {
  InvalidSymbol: "Unexpected character",
  InvalidNumberFormat: "Invalid number",
  PropertyNameExpected: "Expected a property name in double quotes",
  ValueExpected: "Expected a value",
  ColonExpected: "Expected ':' after the property name",
  CommaExpected: "Expected ',' or a closing bracket",
  CloseBraceExpected: "Expected '}' to close the object",
  CloseBracketExpected: "Expected ']' to close the array",
  EndOfFileExpected: "Unexpected text after the end of the JSON document",
  InvalidCommentToken: "Comments are not allowed in JSON",
  UnexpectedEndOfComment: "Comments are not allowed in JSON",
  UnexpectedEndOfString: "Unterminated string",
  UnexpectedEndOfNumber: "Unexpected end of number",
  InvalidUnicode: "Invalid unicode escape",
  InvalidEscapeCharacter: "Invalid escape character in string",
  InvalidCharacter: "Invalid character in string (control characters must be escaped)",
};

/**
 * Documents nested deeper are refused before any parser sees them: no config needs that
 * many levels, and each level costs the parsers stack and memory (a 10 MB `[[[…` held the
 * server for seconds; a malformed one overflowed the stack).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Wide documents too: an object with more keys, or a document with more values (members
 * of objects and arrays, all levels), is refused before any parser sees it. A 600,000-key
 * object cost seconds in each of the parse, the scan and the schema check; a config of
 * 20,000 samples with 40 fields each is 800,000 values, under the limit.
 */
export const MAX_JSON_OBJECT_KEYS = 10_000;
export const MAX_JSON_VALUES = 1_000_000;

/**
 * The first place where the document goes too deep or too wide, or null: one pass, a
 * fixed array of counts (one per open bracket), no other allocation.
 */
function shapeProblem(text: string): { offset: number; message: string } | null {
  // Per open bracket: its commas so far, negative for an array (only objects' are limited).
  const commas = new Int32Array(MAX_JSON_DEPTH + 1);
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // a backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > MAX_JSON_DEPTH) {
        const message = `The document nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`;
        return { offset: i, message };
      }
      commas[depth] = c === 123 ? 0 : -1;
    } else if (c === 93 || c === 125) depth--;
    else if (c === 44) {
      if (++values >= MAX_JSON_VALUES) {
        const message = `The document has more than ${MAX_JSON_VALUES.toLocaleString("en")} values`;
        return { offset: i + 1, message };
      }
      if (depth > 0 && commas[depth]! >= 0 && ++commas[depth]! >= MAX_JSON_OBJECT_KEYS) {
        const message = `An object has more than ${MAX_JSON_OBJECT_KEYS.toLocaleString("en")} properties`;
        return { offset: i + 1, message };
      }
    }
  }
  return null;
}

/**
 * Strict JSON parse that, on failure, says what is wrong and where (line and column),
 * so a person can find the mistake in a pasted document. Used by the API and the editor.
 */
export function parseJson(text: string): ParseJsonResult {
  const shape = shapeProblem(text);
  if (shape) return { ok: false, message: shape.message, position: positionAt(text, shape.offset) };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (nativeError) {
    if (text.trim().length === 0) {
      return { ok: false, message: "The document is empty", position: positionAt(text, 0) };
    }
    const errors: ParseError[] = [];
    const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    if (first) {
      const afterRoot =
        root !== undefined && first.offset >= root.offset + root.length && root.length > 0;
      const code = afterRoot ? "EndOfFileExpected" : printParseErrorCode(first.error);
      return {
        ok: false,
        message: MESSAGES[code] ?? code,
        position: positionAt(text, first.offset),
      };
    }
    // jsonc-parser is more lenient than JSON.parse in a few corners; fall back to V8's position.
    const message = nativeError instanceof Error ? nativeError.message : "Invalid JSON";
    const match = /position (\d+)/.exec(message);
    const offset = match?.[1] ? Number(match[1]) : 0;
    return { ok: false, message, position: positionAt(text, offset) };
  }
}

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON value's type: `null`, `array`, `integer` (a whole number), `number`, ... */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Splits an RFC 6901 JSON Pointer into its segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Builds a JSON Pointer from segments. */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

/** What a key given twice in one object is told (server and editor alike). */
export const DUPLICATE_KEY_MESSAGE = "appears twice in the same object; keep one";
