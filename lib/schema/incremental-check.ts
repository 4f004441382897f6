import type { ValidateFunction } from "ajv";
import { isJsonObject, toPointer } from "../json/parse-json";
import {
  indexStrings,
  lineColumn,
  segmentsOf,
  shiftAfter,
  stringHolding,
  type StringIndex,
  type TextEdit,
} from "../json/string-index";
import { checkConfig } from "./check-config";
import { checkConfigText, type CheckResult, type TextProblem } from "./check-config-text";
import type { UnknownProperties } from "./unknown-properties";

/** A problem with its span as offsets (moved by edits, turned into lines when answered). */
interface Placed {
  path: string;
  message: string;
  start: number;
  end: number;
}

/** What the last whole check found, kept up to date by edits inside string values. */
interface Known {
  validate: ValidateFunction;
  unknownProperties: UnknownProperties;
  value: unknown;
  index: StringIndex;
  problems: Placed[];
  warnings: Placed[];
  /** Strings edited since the last check (their pointers' problems are stale). */
  edited: Set<number>;
}

/** A whole check's answer, before its text is indexed (see `IncrementalCheck.prepare`). */
interface Unindexed {
  validate: ValidateFunction;
  unknownProperties: UnknownProperties;
  result: CheckResult;
}

/** checkConfig's cap: at or above it, which problems are listed depends on the whole text. */
const MAX_PROBLEMS = 100;
/** More edited strings than this between two checks: the whole check is as quick. */
const MAX_EDITED = 64;

/**
 * Schema keywords that an object or array on the way to an edited string may carry
 * while its verdict cannot depend on that string's value: they look at the container's
 * type, its keys or its length, or only say which schema applies to a member (by its
 * key or, with a single `items`, for every index). Anything else (`uniqueItems`,
 * `allOf`, `if`, `$ref`, `dependentRequired`, custom keywords...) and the whole text is
 * checked again.
 */
const LOCAL_KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "title",
  "description",
  "default",
  "examples",
  "$schema",
  "$id",
  "$comment",
  "$defs",
  "definitions",
  "deprecated",
  "readOnly",
  "writeOnly",
  "fa_icon",
  "help_text",
  "hidden",
]);

/** The schema that applies to member `segment` of a container described by `schema`. */
function memberSchema(schema: Record<string, unknown>, segment: string | number): unknown {
  if (typeof segment === "number") return schema.items;
  const properties = schema.properties;
  if (isJsonObject(properties) && Object.hasOwn(properties, segment)) return properties[segment];
  return schema.additionalProperties;
}

/**
 * Whether every container from the root to the string at `segments` has only local
 * keywords: then re-checking the string alone, on the path to it, gives its problems,
 * and every other problem stays what it was.
 */
function checkableAlone(schema: unknown, segments: readonly (string | number)[]): boolean {
  let node = schema;
  for (const segment of segments) {
    if (node === undefined || node === true) return true; // nothing below constrains it
    if (!isJsonObject(node)) return false;
    for (const keyword of Object.keys(node)) if (!LOCAL_KEYWORDS.has(keyword)) return false;
    if (typeof segment === "number" && !isJsonObject(node.items) && node.items !== undefined)
      return false;
    node = memberSchema(node, segment);
  }
  return true;
}

/** A document holding only the path to the string: arrays hold it at index 0. */
function skeleton(segments: readonly (string | number)[], leaf: string): unknown {
  let value: unknown = leaf;
  for (let k = segments.length - 1; k >= 0; k--) {
    const segment = segments[k]!;
    value = typeof segment === "number" ? [value] : { [segment]: value };
  }
  return value;
}

/** Sets the string at `segments` in the parsed document; false when that is unsafe. */
function patch(root: unknown, segments: readonly (string | number)[], value: string): boolean {
  let node = root;
  for (const segment of segments.slice(0, -1)) {
    node = (node as Record<string | number, unknown>)[segment];
    if (typeof node !== "object" || node === null) return false;
  }
  const last = segments[segments.length - 1]!;
  if (last === "__proto__") return false; // an own property JSON.parse made; `=` would not
  (node as Record<string | number, unknown>)[last] = value;
  return true;
}

function sorted(problems: Placed[]): Placed[] {
  return problems.sort((a, b) => a.start - b.start);
}

function toText(index: StringIndex, { path, message, start, end }: Placed): TextProblem {
  const from = lineColumn(index, start);
  const to = lineColumn(index, Math.max(end, start + 1));
  return {
    path,
    message,
    line: from.line,
    column: from.column,
    endLine: to.line,
    endColumn: to.column,
  };
}

function toPlaced(index: StringIndex, problem: TextProblem): Placed {
  const offset = (line: number, column: number) => index.lineStarts[line - 1]! + column - 1;
  const start = offset(problem.line, problem.column);
  const end = offset(problem.endLine, problem.endColumn);
  return { path: problem.path, message: problem.message, start, end: Math.max(end, start + 1) };
}

/** A span [start, end) after an edit of [at, at + length) that changed the size by delta. */
function moved(p: Placed, at: number, length: number, delta: number): Placed {
  const after = at + length;
  return {
    ...p,
    start: p.start >= after ? p.start + delta : p.start,
    end: p.end >= after ? p.end + delta : p.end,
  };
}

/**
 * The editor's check of a config text, as `checkConfigText` does it, kept fast for a
 * text of megabytes: after a whole check it follows edits that stay inside one string
 * value (typing in a value, the common case), and the next check then validates only
 * the edited strings, each on its own path from the root, keeping every other problem.
 * Any other edit, a new schema or a text with too many problems: the whole text again.
 */
export class IncrementalCheck {
  private text = "";
  private known: Known | null = null;
  private unindexed: Unindexed | null = null;

  get length(): number {
    return this.text.length;
  }

  reset(text: string): void {
    this.text = text;
    this.known = null;
    this.unindexed = null;
  }

  /**
   * Indexes the text of the last whole check, if not done yet: a quarter to a third of a
   * whole check's time, so the worker does it after answering, not while a keystroke waits.
   */
  prepare(): void {
    const pending = this.unindexed;
    this.unindexed = null;
    const index = pending ? indexStrings(this.text) : null;
    if (!pending || !index) return;
    const { validate, unknownProperties, result } = pending;
    this.known = {
      validate,
      unknownProperties,
      value: result.value,
      index,
      problems: result.problems.map((p) => toPlaced(index, p)),
      warnings: result.warnings.map((p) => toPlaced(index, p)),
      edited: new Set(),
    };
  }

  /** Edits as the editor reports them: each against the text before the event. */
  edit(edits: readonly TextEdit[]): void {
    this.prepare();
    if (edits.length !== 1 || !this.follow(edits[0]!)) this.known = null;
    for (const edit of [...edits].sort((a, b) => b.offset - a.offset)) {
      const text = this.text;
      this.text = text.slice(0, edit.offset) + edit.text + text.slice(edit.offset + edit.length);
    }
  }

  /** Checks the text; `incremental` tells whether only the edited strings were. */
  check(
    validate: ValidateFunction | null,
    unknownProperties: UnknownProperties = "warn",
  ): CheckResult & { incremental: boolean } {
    this.prepare(); // a check with no edit since the last one
    const known = this.known;
    if (known && known.validate === validate && known.unknownProperties === unknownProperties) {
      const result = this.recheck(known);
      if (result) return { ...result, incremental: true };
    }
    return { ...this.checkWhole(validate, unknownProperties), incremental: false };
  }

  private checkWhole(validate: ValidateFunction | null, unknownProperties: UnknownProperties) {
    this.known = null;
    this.unindexed = null;
    const result = checkConfigText(this.text, validate, unknownProperties);
    const followable =
      result.schemaChecked === true &&
      result.problems.length < MAX_PROBLEMS &&
      result.warnings.length < MAX_PROBLEMS;
    if (followable && validate) this.unindexed = { validate, unknownProperties, result };
    return result;
  }

  /** The edit's effect on what is known; false when the text must be read again. */
  private follow(edit: TextEdit): boolean {
    const known = this.known;
    if (!known || known.edited.size >= MAX_EDITED) return false;
    const { index } = known;
    const id = stringHolding(index, edit);
    if (id < 0) return false;
    const delta = edit.text.length - edit.length;
    const start = index.starts[id]!;
    const content = this.text.slice(start + 1, edit.offset) + edit.text;
    const value = content + this.text.slice(edit.offset + edit.length, index.ends[id]! - 1);
    if (!patch(known.value, segmentsOf(index, id), value)) return false;
    shiftAfter(index, id, edit.offset, delta);
    known.problems = known.problems.map((p) => moved(p, edit.offset, edit.length, delta));
    known.warnings = known.warnings.map((p) => moved(p, edit.offset, edit.length, delta));
    known.edited.add(id);
    return true;
  }

  /** Each edited string validated on its own path; null when that would not be exact. */
  private recheck(known: Known): CheckResult | null {
    const { index, validate, unknownProperties } = known;
    const schema = validate.schema;
    let problems = known.problems;
    let warnings = known.warnings;
    for (const id of known.edited) {
      const segments = segmentsOf(index, id);
      if (!checkableAlone(schema, segments)) return null;
      const pointer = toPointer(segments);
      const alone = toPointer(segments.map((s) => (typeof s === "number" ? 0 : s)));
      const value = this.text.slice(index.starts[id]! + 1, index.ends[id]! - 1);
      const found = checkConfig(validate, skeleton(segments, value), unknownProperties);
      const valueSpan = { start: index.starts[id]!, end: index.ends[id]! };
      const keySpan =
        index.keyStarts[id]! >= 0
          ? { start: index.keyStarts[id]!, end: index.keyEnds[id]! }
          : valueSpan;
      // A string has no members: its problems are the ones at its own pointer.
      const place = (list: typeof found.errors): Placed[] =>
        list
          .filter((p) => p.path === alone)
          .map((p) => ({ path: pointer, message: p.message, ...(p.atKey ? keySpan : valueSpan) }));
      problems = [...problems.filter((p) => p.path !== pointer), ...place(found.errors)];
      warnings = [...warnings.filter((p) => p.path !== pointer), ...place(found.warnings)];
    }
    if (problems.length >= MAX_PROBLEMS || warnings.length >= MAX_PROBLEMS) return null;
    known.problems = sorted(problems);
    known.warnings = sorted(warnings);
    known.edited.clear();
    return {
      problems: known.problems.map((p) => toText(index, p)),
      warnings: known.warnings.map((p) => toText(index, p)),
      value: known.value,
      schemaChecked: true,
    };
  }
}
