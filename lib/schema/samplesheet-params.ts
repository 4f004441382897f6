/**
 * The samplesheet parameters of an effective pipeline schema: top-level properties that
 * carry nf-schema's `schema` keyword (the samplesheet's own schema file) and that the loader
 * expanded into an array of objects (`expand-samplesheets.ts`). Looked for where
 * nextflow_schema.json puts parameters: the root's `properties` and those of each group
 * under `$defs` or `definitions`. Pure.
 */
import { isJsonObject } from "../json/parse-json";

export interface SamplesheetParam {
  /** The top-level property holding the rows. */
  name: string;
  /** The samplesheet file's schema, relative to the pipeline folder. */
  schemaFile: string;
  /** The columns, in the order of the samplesheet schema's properties. */
  columns: string[];
}

/** Every properties map a top-level parameter may be declared in. */
export function parameterMaps(schema: Record<string, unknown>): Record<string, unknown>[] {
  const maps: Record<string, unknown>[] = [];
  if (isJsonObject(schema.properties)) maps.push(schema.properties);
  for (const key of ["$defs", "definitions"]) {
    const groups = schema[key];
    if (!isJsonObject(groups)) continue;
    for (const group of Object.values(groups))
      if (isJsonObject(group) && isJsonObject(group.properties)) maps.push(group.properties);
  }
  return maps;
}

export function samplesheetParams(schema: Record<string, unknown>): SamplesheetParam[] {
  const found: SamplesheetParam[] = [];
  for (const properties of parameterMaps(schema)) {
    for (const [name, param] of Object.entries(properties)) {
      if (!isJsonObject(param) || typeof param.schema !== "string") continue;
      const items = param.items;
      if (param.type !== "array" || !isJsonObject(items) || !isJsonObject(items.properties))
        continue;
      if (found.some((p) => p.name === name)) continue;
      found.push({ name, schemaFile: param.schema, columns: Object.keys(items.properties) });
    }
  }
  return found;
}

/** The file a samplesheet parameter's rows are written to in the attempt folder. */
export function samplesheetFileName(parameter: string): string {
  return `${parameter.replace(/[^A-Za-z0-9._-]/g, "_")}.csv`;
}
