import type { ValidateFunction } from "ajv";
import { DUPLICATE_KEY_MESSAGE, parseJson, positionAt } from "../json/parse-json";
import { locateAll, scanJson } from "../json/scan-json";
import { checkConfig } from "./check-config";
import type { UnknownProperties } from "./unknown-properties";
import type { ConfigProblem } from "./validate-config";

/** A problem located in the text, for an editor marker and the problems list. */
export interface TextProblem {
  path: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface CheckResult {
  problems: TextProblem[];
  /** What does not refuse the config (undeclared properties under `warn`), located too. */
  warnings: TextProblem[];
  /** The parsed document when it is JSON. */
  value?: unknown;
  /** The text got as far as the schema: JSON, and no key given twice. */
  schemaChecked?: boolean;
}

function span(text: string, offset: number, length: number): Omit<TextProblem, "path" | "message"> {
  const start = positionAt(text, offset);
  const end = positionAt(text, offset + Math.max(1, length));
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/**
 * Checks a config's text exactly as the server checks a submission: JSON syntax, keys
 * given twice, then the pipeline's schema — with the same messages (the same code:
 * lib/json and ./check-config.ts), each located in the text. `unknownProperties` is the
 * pipeline's choice (pipeline.json), as the server applies it.
 */
export function checkConfigText(
  text: string,
  validate: ValidateFunction | null,
  unknownProperties: UnknownProperties = "warn",
): CheckResult {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const at = span(text, parsed.position.offset, 1);
    return { problems: [{ path: "", message: parsed.message, ...at }], warnings: [] };
  }
  const { value } = parsed;
  const { duplicate } = scanJson(text);
  if (duplicate) {
    const key = JSON.stringify(duplicate.pointer.split("/").pop() ?? "").length;
    const at = span(text, duplicate.offset, key);
    return {
      problems: [{ path: duplicate.pointer, message: DUPLICATE_KEY_MESSAGE, ...at }],
      warnings: [],
      value,
    };
  }
  const { errors, warnings } = validate
    ? checkConfig(validate, value, unknownProperties)
    : { errors: [], warnings: [] };
  return {
    problems: locate(text, errors),
    warnings: locate(text, warnings),
    value,
    schemaChecked: true,
  };
}

/** Each problem with its span in the text, in text order. */
function locate(text: string, problems: ConfigProblem[]): TextProblem[] {
  if (problems.length === 0) return [];
  const places = locateAll(text, problems);
  const located = problems.map(({ atKey: _, ...p }, i) => ({
    ...p,
    ...span(text, places[i]!.offset, places[i]!.length),
  }));
  return located.sort((a, b) => a.line - b.line || a.column - b.column);
}
