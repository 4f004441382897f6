/**
 * The keywords nf-core pipeline schemas use (nextflow_schema.json, nf-schema 2.x), so that a
 * schema written for Nextflow validates here unchanged. Pure: no I/O.
 *
 * - `fa_icon`, `help_text`, `hidden`, `meta`, `schema`: annotations (checked for their type
 *   when the pipeline is loaded, otherwise no effect on validation). `schema` names a
 *   samplesheet's own schema; the loader expands it into the rows inline.
 * - `errorMessage`: replaces ajv's sentence for the property it sits on, as nf-schema does
 *   (a string; an object per keyword, `{"pattern": "..."}`, is accepted too). A missing
 *   required property takes its own schema's message.
 * - `uniqueEntries`: on an array of objects, no two items may share the values of all the
 *   named fields; the duplicate is reported at its own item, naming the item it repeats.
 * - `dependentRequired`: standard in 2020-12; added to the draft-07 dialect, which lacks it.
 *
 * `format: file-path` and friends, `exists` and `mimetype` are path checks, registered by
 * `path-keywords.ts`.
 */
import type Ajv from "ajv";
import type { DataValidateFunction, ErrorObject } from "ajv/dist/types";
import dependentRequired from "ajv/dist/vocabularies/validation/dependentRequired";
import { toPointer } from "../json/parse-json";

const ANNOTATIONS: { keyword: string; schemaType: ("string" | "boolean" | "array")[] }[] = [
  { keyword: "fa_icon", schemaType: ["string"] },
  { keyword: "help_text", schemaType: ["string"] },
  { keyword: "hidden", schemaType: ["boolean"] },
  { keyword: "meta", schemaType: ["string", "array"] },
  { keyword: "schema", schemaType: ["string"] },
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The value of one field of an item, as a comparable key (`undefined` stays distinct). */
function keyOf(item: unknown, fields: readonly string[]): string | null {
  if (!isRecord(item)) return null;
  return JSON.stringify(fields.map((f) => (f in item ? item[f] : { missing: true })));
}

function uniqueEntries(fields: string[]): DataValidateFunction {
  const check: DataValidateFunction = (data, dataCxt) => {
    if (!Array.isArray(data) || fields.length === 0) return true;
    const first = new Map<string, number>();
    const errors: Partial<ErrorObject>[] = [];
    data.forEach((item, index) => {
      const key = keyOf(item, fields);
      if (key === null) return;
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, index);
        return;
      }
      const values = fields.map((f) => JSON.stringify((item as Record<string, unknown>)[f]));
      errors.push({
        keyword: "uniqueEntries",
        instancePath: `${dataCxt?.instancePath ?? ""}/${index}`,
        params: { fields, duplicateOf: earlier },
        message:
          `repeats entry ${earlier + 1} (${fields.join(", ")}: ${values.join(", ")}); ` +
          `the combination of ${fields.join(", ")} must be unique`,
      });
    });
    check.errors = errors;
    return errors.length === 0;
  };
  return check;
}

/** Registers the nf-schema keywords on one ajv instance (both dialects). */
export function registerNfSchemaKeywords(ajv: Ajv): void {
  for (const { keyword, schemaType } of ANNOTATIONS) ajv.addKeyword({ keyword, schemaType });
  ajv.addKeyword({ keyword: "errorMessage", schemaType: ["string", "object"] });
  ajv.addKeyword({
    keyword: "uniqueEntries",
    type: "array",
    schemaType: "array",
    errors: true,
    metaSchema: { type: "array", items: { type: "string" } },
    compile: (fields: string[]) => uniqueEntries(fields),
  });
  if (!ajv.getKeyword("dependentRequired")) ajv.addKeyword(dependentRequired);
}

/** The `errorMessage` a schema gives for one of its keywords, if any. */
function customMessage(schema: unknown, keyword: string): string | undefined {
  if (!isRecord(schema)) return undefined;
  const message = schema.errorMessage;
  if (typeof message === "string") return message;
  if (isRecord(message) && typeof message[keyword] === "string") return message[keyword];
  return undefined;
}

/**
 * Replaces ajv's errors by the schema's own `errorMessage` where it gives one. Needs ajv's
 * `verbose` option (errors carry their parent schema). The replaced errors keep their place
 * and get the keyword `errorMessage`, so that they are reported with the text as it is.
 */
export function withErrorMessages(errors: readonly ErrorObject[]): ErrorObject[] {
  return errors.map((error) => {
    const parent = error.parentSchema;
    if (error.keyword === "required" && isRecord(parent) && isRecord(parent.properties)) {
      const missing = String((error.params as { missingProperty?: unknown }).missingProperty);
      const message = customMessage(parent.properties[missing], "required");
      if (message === undefined) return error;
      const instancePath = `${error.instancePath}${toPointer([missing])}`;
      return { ...error, keyword: "errorMessage", instancePath, message };
    }
    // An unknown property is the object's key, not its value: its own sentence stays.
    if (error.keyword === "additionalProperties") return error;
    const message = customMessage(parent, error.keyword);
    return message === undefined ? error : { ...error, keyword: "errorMessage", message };
  });
}
