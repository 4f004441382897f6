import type Ajv from "ajv";
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
