/**
 * Config templates of event rules: JSON whose string values may hold
 * `{{ /json/pointer }}` substitutions into the event document `{type, id, payload}`.
 * Nothing is evaluated: a substitution is a JSON Pointer lookup, and that is all.
 */
import type { EventCondition } from "@/lib/contract/events";

const SUBSTITUTION = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;
const POINTER = /^(\/([^~/]|~[01])*)+$/;

export interface TemplateProblem {
  /** Where in the template (a JSON Pointer relative to it). */
  path: string;
  message: string;
}

/** The event as the pointers see it. */
export interface EventDocument {
  type: string;
  id: string;
  payload: Record<string, unknown>;
}

const escape = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");

/** The value at a JSON Pointer (RFC 6901), or `undefined` when there is none. */
export function valueAt(document: unknown, pointer: string): unknown {
  if (pointer === "") return document;
  let node: unknown = document;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(key)) return undefined;
      node = node[Number(key)];
    } else if (typeof node === "object" && node !== null && Object.hasOwn(node, key)) {
      node = (node as Record<string, unknown>)[key];
    } else {
      return undefined;
    }
  }
  return node;
}

/** Every place (pointer) in the template that holds a substitution, and syntax problems. */
export function templateSlots(template: unknown): { slots: string[]; problems: TemplateProblem[] } {
  const slots: string[] = [];
  const problems: TemplateProblem[] = [];
  const walk = (node: unknown, path: string) => {
    if (typeof node === "string") {
      const found = [...node.matchAll(SUBSTITUTION)];
      const left = node.replaceAll(SUBSTITUTION, "");
      if (left.includes("{{") || left.includes("}}")) {
        problems.push({ path, message: "has an unclosed or malformed {{ }} substitution" });
      }
      for (const match of found) {
        if (!POINTER.test(match[1]!)) {
          problems.push({
            path,
            message: `{{ ${match[1]} }} is not a JSON Pointer such as /payload/run (only pointers are allowed)`,
          });
        }
      }
      if (found.length > 0) slots.push(path);
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}/${i}`));
    } else if (typeof node === "object" && node !== null) {
      for (const [key, value] of Object.entries(node)) walk(value, `${path}/${escape(key)}`);
    }
  };
  walk(template, "");
  return { slots, problems };
}

/**
 * Renders the template for an event. A string that is one substitution takes the value
 * there with its JSON type; a substitution inside longer text writes in a string, number
 * or boolean. Problems: a pointer with no value, an object or array inside text.
 */
export function renderTemplate(
  template: unknown,
  event: EventDocument,
): { config: unknown; problems: TemplateProblem[] } {
  const problems: TemplateProblem[] = [];
  const render = (node: unknown, path: string): unknown => {
    if (typeof node === "string") {
      const whole = WHOLE.exec(node);
      if (whole) {
        const value = valueAt(event, whole[1]!);
        if (value === undefined) problems.push({ path, message: `the event has no ${whole[1]}` });
        return value ?? null;
      }
      return node.replaceAll(SUBSTITUTION, (_, pointer: string) => {
        const value = valueAt(event, pointer);
        if (value === undefined) {
          problems.push({ path, message: `the event has no ${pointer}` });
          return "";
        }
        if (typeof value === "string") return value;
        if (typeof value === "number" || typeof value === "boolean" || value === null) {
          return String(value);
        }
        problems.push({
          path,
          message: `${pointer} is an object or array: it cannot go in text`,
        });
        return "";
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => render(item, `${path}/${i}`));
    if (typeof node === "object" && node !== null) {
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [key, render(value, `${path}/${escape(key)}`)]),
      );
    }
    return node;
  };
  const config = render(template, "");
  return { config, problems };
}

/** Longest value a `matches` condition is tried on (no regular expression runs over megabytes). */
const MATCH_MAX_CHARS = 10_000;

/** Whether the event passes every condition. */
export function passesFilter(filter: readonly EventCondition[], event: EventDocument): boolean {
  return filter.every((condition) => {
    const value = valueAt(event, condition.pointer);
    if ("equals" in condition) return sameJson(value, condition.equals);
    if ("in" in condition) return condition.in.some((option) => sameJson(value, option));
    if (typeof value !== "string" || value.length > MATCH_MAX_CHARS) return false;
    return new RegExp(condition.matches, "u").test(value);
  });
}

/** JSON equality (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) =>
        Object.hasOwn(b, k) &&
        sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

/** Problems with the conditions' regular expressions (checked when a rule is saved). */
export function filterProblems(filter: readonly EventCondition[]): TemplateProblem[] {
  return filter.flatMap((condition, i) => {
    if (!("matches" in condition)) return [];
    try {
      new RegExp(condition.matches, "u");
      return [];
    } catch (error) {
      return [
        {
          path: `/${i}/matches`,
          message: `is not a regular expression: ${(error as Error).message}`,
        },
      ];
    }
  });
}
