/**
 * The one reader of JSON request bodies. Every JSON route reads its body through
 * readJsonBody (or, when its service takes the text, readJsonText + the service's
 * parseJsonDocument), so limits, media type, UTF-8, syntax errors, keys given twice and
 * schema problems are answered the same way everywhere, each problem with its JSON
 * Pointer and, where known, its line and column.
 */
import type { z } from "zod";
import { DUPLICATE_KEY_MESSAGE, parseJson, positionAt } from "@/lib/json/parse-json";
import { locateAll, scanJson } from "@/lib/json/scan-json";
import { AppError, zodProblem, type ProblemItem } from "../errors";
import { assertUtf8, decodeUtf8, readBody, requireJsonContentType } from "./read-body";

/** Account and operations requests are a few short strings: anything larger is not one. */
export const SMALL_BODY_LIMIT = 16 * 1024;

/** A parsed body: its value, and its text to locate problems in. */
export interface JsonDocument<T = unknown> {
  text: string;
  value: T;
  /** The exact text of a value asked for in `spans` (e.g. the config, stored as sent). */
  textAt(pointer: string): string | undefined;
}

export interface ParseJsonOptions {
  /** What the body is, for the problem's detail ("The run request"). */
  subject?: string;
  /** Pointers whose text the caller needs; found in the same scan as duplicate keys. */
  spans?: readonly string[];
}

/** Adds line and column to problems (JSON Pointers into the text), in document order. */
export function withPositions(
  doc: { text: string },
  problems: readonly (ProblemItem & { atKey?: boolean })[],
): ProblemItem[] {
  const places = locateAll(doc.text, problems);
  return problems
    .map(({ atKey: _, ...p }, i) => ({ ...p, ...lineAndColumn(doc.text, places[i]!.offset) }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const { line, column } = positionAt(text, offset);
  return { line, column };
}

/**
 * Parses JSON text once and scans it once: 400 with line and column when it is not
 * JSON; 422 for a key given twice, for a body that is not an object, and for what the
 * schema rejects (JSON Pointers, lines, columns).
 */
export function parseJsonDocument<T extends z.ZodType>(
  text: string,
  schema: T,
  options: ParseJsonOptions = {},
): JsonDocument<z.output<T>> {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const { line, column } = parsed.position;
    throw new AppError("INVALID_JSON", `${parsed.message} at line ${line}, column ${column}`, {
      errors: [{ path: "", message: parsed.message, line, column }],
    });
  }
  const { duplicate, spans } = scanJson(text, options.spans ?? []);
  if (duplicate) {
    throw new AppError("VALIDATION_FAILED", "A property appears twice in one object", {
      errors: [
        {
          path: duplicate.pointer,
          message: DUPLICATE_KEY_MESSAGE,
          ...lineAndColumn(text, duplicate.offset),
        },
      ],
    });
  }
  const subject = options.subject ?? "The request";
  const value = parsed.value;
  const locate = (problems: ProblemItem[]) => withPositions({ text }, problems);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const errors = locate([{ path: "", message: "must be a JSON object" }]);
    const detail = `${subject} is not valid: the body must be a JSON object`;
    throw new AppError("VALIDATION_FAILED", detail, { errors });
  }
  const result = schema.safeParse(value);
  if (!result.success) throw zodProblem(result.error, { subject, locate });
  return {
    text,
    value: result.data,
    textAt(pointer) {
      const span = spans.get(pointer);
      return span ? text.slice(span.offset, span.offset + span.length) : undefined;
    },
  };
}

/** The text of a JSON body: 415 unless it is sent as JSON, 413 above `limit`, 400 unless UTF-8. */
export async function readJsonText(request: Request, limit: number): Promise<string> {
  requireJsonContentType(request);
  return decodeUtf8(await readBody(request, limit));
}

/**
 * The bytes of a JSON body, with the same 415, 413 and 400 (not UTF-8) as readJsonText but
 * not decoded: a submission's body is decoded where it is checked (a CPU thread when large).
 */
export async function readJsonBytes(request: Request, limit: number): Promise<Buffer> {
  requireJsonContentType(request);
  const body = await readBody(request, limit);
  assertUtf8(body);
  return body;
}

/** Reads, parses and checks a JSON body against its schema (see parseJsonDocument). */
export async function readJsonBody<T extends z.ZodType>(
  request: Request,
  schema: T,
  options: ParseJsonOptions & { limit: number },
): Promise<JsonDocument<z.output<T>>> {
  return parseJsonDocument(await readJsonText(request, options.limit), schema, options);
}
