import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { jsonType, pointerSegments, toPointer } from "../json/parse-json";
import { registerNfSchemaKeywords, withErrorMessages } from "./nf-schema-keywords";
import { registerListKeyword } from "./list-keyword";
import { registerPathKeywords } from "./path-keywords";

/** One problem found in a config: a JSON Pointer and a sentence about it. */
export interface ConfigProblem {
  path: string;
  message: string;
  /** The property name itself is the problem (an unknown property), not its value. */
  atKey?: boolean;
}

const MAX_PROBLEMS = 100;

function newAjv<T extends Ajv>(AjvClass: new (opts: object) => T): T {
  // verbose: errors carry their parent schema, used to suggest a property name.
  const ajv = new AjvClass({
    allErrors: true,
    strict: false,
    validateFormats: true,
    verbose: true,
  });
  addFormats(ajv);
  registerNfSchemaKeywords(ajv);
  registerPathKeywords(ajv);
  registerListKeyword(ajv);
  return ajv;
}

let draft2020: Ajv | undefined;
let draft07: Ajv | undefined;

function ajvFor(schema: Record<string, unknown>): Ajv {
  const dialect = typeof schema.$schema === "string" ? schema.$schema : "";
  if (dialect.includes("draft-07") || dialect.includes("draft-06"))
    return (draft07 ??= newAjv(Ajv));
  return (draft2020 ??= newAjv(Ajv2020));
}

/** Compiles a pipeline's JSON Schema; throws with ajv's message when the schema is invalid. */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  const ajv = ajvFor(schema);
  try {
    return ajv.compile(schema);
  } finally {
    // Two versions of a pipeline share their `$id` (nf-core schemas name their URL): the
    // shared instance must not keep it, or the next compile fails with "already exists".
    if (typeof schema.$id === "string") ajv.removeSchema(schema.$id);
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The type of a value as a sentence says it: `an integer`, `an array`, `null`. */
function typeOf(value: unknown): string {
  return value === null ? "null" : article(jsonType(value));
}

/** Edit distance with transpositions, to suggest "email" for "emial". */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const score = distance(lower, name.toLowerCase());
    if (score <= Math.max(1, Math.floor(name.length / 3)) && (!best || score < best.score))
      best = { name, score };
  }
  return best?.name;
}

/** Turns one ajv error into a problem a person can act on. */
export function describeError(error: ErrorObject, data: unknown): ConfigProblem {
  const base = error.instancePath;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "required") {
    const path = `${base}${toPointer([String(params.missingProperty)])}`;
    return { path, message: "is required" };
  }
  if (error.keyword === "additionalProperties") {
    const property = String(params.additionalProperty);
    const parentSchema = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
    const known = Object.keys(parentSchema?.properties ?? {});
    const guess = closest(property, known);
    const hint = guess
      ? `; did you mean "${guess}"?`
      : known.length
        ? `; allowed: ${known.join(", ")}`
        : "";
    return {
      path: `${base}${toPointer([property])}`,
      message: `is not an allowed property${hint}`,
      atKey: true,
    };
  }
  return { path: base, message: valueMessage(error, data) };
}

/** What is wrong with a value itself (the problem's path is the value's). */
function valueMessage(error: ErrorObject, data: unknown): string {
  const params = error.params as Record<string, unknown>;
  const limit = String(params.limit);
  switch (error.keyword) {
    case "type": {
      const expected = String(params.type).split(",").map(article).join(" or ");
      return `must be ${expected}, not ${typeOf(valueAt(data, error.instancePath))}`;
    }
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      return `must be one of ${allowed.join(", ")}`;
    }
    case "const":
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case "format":
      return `must be a valid ${String(params.format)}`;
    case "pattern":
      return `must match the pattern ${String(params.pattern)}`;
    case "minLength":
      return params.limit === 1 ? "must not be empty" : `must be at least ${limit} characters long`;
    case "maxLength":
      return `must be at most ${limit} characters long`;
    case "minItems":
      return `must have at least ${limit} item${params.limit === 1 ? "" : "s"}`;
    case "maxItems":
      return `must have at most ${limit} items`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `must be ${String(params.comparison)} ${limit}`;
    default:
      return error.message ?? `fails the "${error.keyword}" rule`;
  }
}

function valueAt(data: unknown, pointer: string): unknown {
  let current: unknown = data;
  for (const key of pointerSegments(pointer)) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Validates a config; returns its problems (empty when valid), at most 100, de-duplicated. */
export function validateWith(validate: ValidateFunction, data: unknown): ConfigProblem[] {
  if (validate(data)) return [];
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const error of withErrorMessages(validate.errors ?? [])) {
    // anyOf/oneOf summaries repeat what their branches already said.
    if (error.keyword === "anyOf" || error.keyword === "oneOf" || error.keyword === "if") continue;
    const problem = describeError(error, data);
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return problems;
}
