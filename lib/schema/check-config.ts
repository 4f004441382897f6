import type { ErrorObject, ValidateFunction } from "ajv";
import { toPointer } from "../json/parse-json";
import { closest, describeError, distance, type ConfigProblem } from "./validate-config";
import { withErrorMessages } from "./nf-schema-keywords";

import type { UnknownProperties } from "./unknown-properties";

export type { UnknownProperties };

/** A config's problems that refuse it (`errors`) and the ones that only inform (`warnings`). */
export interface ConfigCheck {
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
}

const MAX_PROBLEMS = 100;
/** A name this close to a declared one (case aside) is a typo, not an extra field. */
const MAX_TYPO_DISTANCE = 2;
export const UNDECLARED_MESSAGE = "is not declared by the pipeline's schema: passed on unchecked";

// Inside these an unknown property may be what makes a branch fail or match: left an error.
const CONDITIONAL = /\/(anyOf|oneOf|not|if|contains|propertyNames|dependentSchemas)(\/|$)/;

/** The declared property an unknown one is a likely typo of, if any. */
function typoOf(error: ErrorObject): string | undefined {
  const property = String((error.params as { additionalProperty?: unknown }).additionalProperty);
  const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  const guess = closest(property, Object.keys(parent?.properties ?? {}));
  if (guess === undefined) return undefined;
  return distance(property.toLowerCase(), guess.toLowerCase()) <= MAX_TYPO_DISTANCE
    ? guess
    : undefined;
}

type Verdict = "error" | "warning" | "drop";

/**
 * `typos` remembers each (schema place, name) answer: 20,000 data files with the same
 * extra field ask 20,000 times (4 s without it, for the edit distances).
 */
function verdictOf(
  error: ErrorObject,
  mode: UnknownProperties,
  typos: Map<string, boolean>,
): Verdict {
  if (mode === "reject" || error.keyword !== "additionalProperties") return "error";
  if (CONDITIONAL.test(error.schemaPath)) return "error";
  if (mode === "ignore") return "drop";
  const property = String((error.params as { additionalProperty?: unknown }).additionalProperty);
  const key = `${error.schemaPath}\u0000${property}`;
  let typo = typos.get(key);
  if (typo === undefined) typos.set(key, (typo = typoOf(error) !== undefined));
  return typo ? "error" : "warning";
}

function warningOf(error: ErrorObject): ConfigProblem {
  const property = String((error.params as { additionalProperty?: unknown }).additionalProperty);
  const path = `${error.instancePath}${toPointer([property])}`;
  return { path, message: UNDECLARED_MESSAGE, atKey: true };
}

/**
 * Validates a config like `validateWith`, sorting what ajv found by the pipeline's
 * `unknownProperties` choice: an undeclared property (under `additionalProperties: false`)
 * is a warning under `warn`, nothing under `ignore`, an error under `reject`; a likely
 * typo of a declared property ("did you mean …?") stays an error unless `ignore`.
 * At most 100 of each, de-duplicated.
 */
export function checkConfig(
  validate: ValidateFunction,
  data: unknown,
  unknownProperties: UnknownProperties = "warn",
): ConfigCheck {
  const result: ConfigCheck = { errors: [], warnings: [] };
  if (validate(data)) return result;
  const seen = new Set<string>();
  const typos = new Map<string, boolean>();
  for (const error of withErrorMessages(validate.errors ?? [])) {
    // anyOf/oneOf summaries repeat what their branches already said.
    if (error.keyword === "anyOf" || error.keyword === "oneOf" || error.keyword === "if") continue;
    const verdict = verdictOf(error, unknownProperties, typos);
    if (verdict === "drop") continue;
    const list = verdict === "warning" ? result.warnings : result.errors;
    if (list.length >= MAX_PROBLEMS) continue;
    const problem = verdict === "warning" ? warningOf(error) : describeError(error, data);
    const key = `${verdict}\u0000${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    list.push(problem);
    if (result.errors.length >= MAX_PROBLEMS && result.warnings.length >= MAX_PROBLEMS) break;
  }
  return result;
}
