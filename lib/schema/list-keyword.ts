import type Ajv from "ajv";
import { toPointer } from "../json/parse-json";
import { walkSchemaData } from "./walk-schema-data";

/**
 * `"x-runport-list": "hpc-accounts"`: the value must be one of the list's current values.
 * ajv only knows it as an annotation (the browser has no list); the server checks the
 * values collectListTargets finds against MySQL (server/lists/check-list-values.ts).
 */
export const LIST_KEYWORD = "x-runport-list";

/** One value to check: where it is in the config, the value, the list's name. */
export interface ListTarget {
  pointer: string;
  value: string;
  list: string;
}

/** Registers the keyword as an annotation with an ajv instance (called from newAjv). */
export function registerListKeyword(ajv: Ajv): void {
  ajv.addKeyword({ keyword: LIST_KEYWORD, schemaType: "string" });
}

/**
 * Every string (or number, compared as its text) the schema ties to a list, in document
 * order, with its JSON Pointer; empty strings are left to the schema (`minLength`). Stops
 * after `limit` targets.
 */
export function collectListTargets(
  schema: Record<string, unknown>,
  data: unknown,
  limit = Infinity,
): ListTarget[] {
  const found: ListTarget[] = [];
  walkSchemaData(
    schema,
    data,
    (node, value, pointer) => {
      const list = node[LIST_KEYWORD];
      if (typeof list !== "string") return;
      if ((typeof value === "string" && value !== "") || typeof value === "number") {
        found.push({ pointer, value: String(value), list });
      }
    },
    () => found.length >= limit,
  );
  return found;
}

/**
 * The list the schema ties the value at `path` to, or null: the walk the server's check
 * uses, over a skeleton of the config down to that value (the editor's text being typed
 * is rarely valid JSON; the template has no config at all).
 */
export function listAtPath(
  schema: Record<string, unknown>,
  path: readonly (string | number)[],
): string | null {
  let data: unknown = "";
  for (let i = path.length - 1; i >= 0; i--) {
    const key = path[i]!;
    if (typeof key === "number") {
      const items: unknown[] = []; // sparse: the walk visits index `key` only
      items[key] = data;
      data = items;
    } else {
      data = { [key]: data };
    }
  }
  const pointer = toPointer(path);
  let found: string | null = null;
  walkSchemaData(
    schema,
    data,
    (node, _value, at) => {
      const list = node[LIST_KEYWORD];
      if (at === pointer && typeof list === "string") found = list;
    },
    () => found !== null,
  );
  return found;
}
