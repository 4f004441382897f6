import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { isJsonObject } from "@/lib/json/parse-json";
import { parameterMaps, samplesheetFileName } from "@/lib/schema/samplesheet-params";

type Schema = Record<string, unknown>;

/** Keywords that describe the samplesheet as a file; the effective schema holds its rows. */
const FILE_KEYWORDS = ["type", "format", "exists", "mimetype", "pattern", "default"];
/** Keywords of the samplesheet schema's root that are about the document, not the array. */
const DOCUMENT_KEYWORDS = ["$schema", "$id", "title", "description", "type", "items"];
const MAX_SAMPLESHEET_SCHEMA_BYTES = 1024 * 1024;

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

/** Reads a samplesheet schema named by a parameter; throws with a sentence naming both. */
function readSamplesheetSchema(dir: string, name: string, file: string): Schema {
  const where = `parameter ${name}: samplesheet schema ${file}`;
  const resolved = path.resolve(dir, file);
  if (!isInside(resolved, dir)) throw new Error(`${where} is outside the pipeline folder`);
  let real: string;
  try {
    real = realpathSync(resolved);
  } catch {
    throw new Error(`${where} does not exist`);
  }
  if (!isInside(real, realpathSync(dir)))
    throw new Error(`${where} is outside the pipeline folder`);
  const text = readFileSync(real, "utf8");
  if (text.length > MAX_SAMPLESHEET_SCHEMA_BYTES) throw new Error(`${where} is over 1 MiB`);
  let sheet: unknown;
  try {
    sheet = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where} is not JSON: ${error instanceof Error ? error.message : ""}`);
  }
  // Inlined into another schema, its own references would point into the wrong document.
  if (text.includes('"$ref"')) throw new Error(`${where} uses $ref, which is not supported`);
  if (
    !isJsonObject(sheet) ||
    sheet.type !== "array" ||
    !isJsonObject(sheet.items) ||
    !isJsonObject(sheet.items.properties)
  ) {
    throw new Error(`${where} must describe an array of objects (type array, items.properties)`);
  }
  return sheet;
}

/**
 * nf-validation 1.x (draft-07 samplesheets) wrote two row rules on the columns:
 * `dependentRequired: ["b"]` ("when this column is filled in, b is required") and
 * `unique: true` or `unique: ["b"]` (no two rows share this column's value, or this column's
 * and b's together). They become the standard `dependentRequired` on the row object and
 * `uniqueEntries` on the array (one per rule, joined by `allOf` when there are several).
 */
function rowRules(items: Schema): { items: Schema; unique: string[][] } {
  const properties = items.properties as Schema;
  const dependent: Record<string, unknown> = {};
  const unique: string[][] = [];
  const columns: Schema = {};
  for (const [name, column] of Object.entries(properties)) {
    if (!isJsonObject(column)) {
      columns[name] = column;
      continue;
    }
    const { dependentRequired, unique: uniqueRule, ...rest } = column;
    if (Array.isArray(dependentRequired)) dependent[name] = dependentRequired;
    else if (dependentRequired !== undefined) rest.dependentRequired = dependentRequired;
    if (uniqueRule === true) unique.push([name]);
    else if (Array.isArray(uniqueRule)) unique.push([name, ...uniqueRule.map(String)]);
    else if (uniqueRule !== undefined) rest.unique = uniqueRule;
    columns[name] = rest;
  }
  if (Object.keys(dependent).length === 0 && unique.length === 0) return { items, unique };
  const own = isJsonObject(items.dependentRequired) ? items.dependentRequired : {};
  const merged = { ...dependent, ...own };
  return {
    items: {
      ...items,
      properties: columns,
      ...(Object.keys(merged).length > 0 ? { dependentRequired: merged } : {}),
    },
    unique,
  };
}

/** The array keywords for the `unique` rules: one `uniqueEntries`, or several under allOf. */
function uniqueKeywords(sheet: Schema, unique: string[][]): Schema {
  if (unique.length === 0) return {};
  const rules = unique.map((fields) => ({ uniqueEntries: fields }));
  const [first, ...rest] = rules;
  if (sheet.uniqueEntries === undefined && rest.length === 0) return first!;
  const allOf: unknown[] = Array.isArray(sheet.allOf) ? sheet.allOf : [];
  return { allOf: [...allOf, ...rules] };
}

/** One samplesheet parameter, its rows inline: an array of the samplesheet's objects. */
function expandParam(dir: string, name: string, param: Schema): Schema {
  const file = param.schema as string;
  const sheet = readSamplesheetSchema(dir, name, file);
  const own = Object.fromEntries(Object.entries(param).filter(([k]) => !FILE_KEYWORDS.includes(k)));
  const arrayKeywords = Object.fromEntries(
    Object.entries(sheet).filter(([k]) => !DOCUMENT_KEYWORDS.includes(k)),
  );
  const rules = rowRules(sheet.items as Schema);
  return {
    ...(typeof sheet.description === "string" ? { description: sheet.description } : {}),
    ...own,
    type: "array",
    items: rules.items,
    ...arrayKeywords,
    ...uniqueKeywords(sheet, rules.unique),
    schema: file,
  };
}

/**
 * The effective schema of a pipeline: each parameter written as nf-schema's samplesheet
 * parameter (`"schema": "assets/schema_input.json"`, a path relative to the pipeline folder)
 * becomes an array of that samplesheet's objects, so that a config holds the rows inline,
 * the editor and the server validate them, and the spreadsheet template gets a list sheet.
 * The worker writes the rows as a CSV file for the pipeline (`worker/samplesheet-files.ts`).
 * The `schema` keyword stays on the parameter as the marker. Does not change its argument.
 */
export function expandSamplesheets(dir: string, schema: Schema): Schema {
  const copy = structuredClone(schema);
  // Each parameter's rows become one file of the attempt folder: two names may not meet.
  const files = new Map<string, string>();
  for (const properties of parameterMaps(copy)) {
    for (const [name, param] of Object.entries(properties)) {
      if (!isJsonObject(param) || typeof param.schema !== "string") continue;
      const file = samplesheetFileName(name);
      const other = files.get(file);
      if (other !== undefined && other !== name) {
        throw new Error(
          `parameters ${other} and ${name} would both be written as ${file}: rename one`,
        );
      }
      files.set(file, name);
      properties[name] = expandParam(dir, name, param);
    }
  }
  return copy;
}
