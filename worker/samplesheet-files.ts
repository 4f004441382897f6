import path from "node:path";
import { samplesheetFileName, samplesheetParams } from "@/lib/schema/samplesheet-params";

/** A file to write into the attempt folder beside config.json. */
export interface AttemptFile {
  /** A plain file name (no folder). */
  name: string;
  content: string;
}

/** One CSV field (RFC 4180): quoted when it holds a separator, a quote or a line end. */
function csvField(value: unknown): string {
  let text: string;
  if (value === undefined || value === null) text = "";
  else if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "boolean") text = String(value);
  else text = JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV text, header first; one column per samplesheet property. */
export function samplesheetCsv(columns: readonly string[], rows: readonly unknown[]): string {
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) {
    const record = row !== null && typeof row === "object" ? (row as Record<string, unknown>) : {};
    lines.push(columns.map((c) => csvField(record[c])).join(","));
  }
  return `${lines.join("\n")}\n`;
}

/**
 * What a pipeline with samplesheet parameters gets (nf-schema's `schema` keyword): each such
 * parameter's rows, held inline in the stored config, are written as `<parameter>.csv` in the
 * attempt folder, and config.json names that file's absolute path in place of the rows, as
 * Nextflow would receive `--input samplesheet.csv`. Any other config is passed on unchanged,
 * byte for byte.
 */
export function samplesheetFiles(
  schema: Record<string, unknown>,
  configText: string,
  workDir: string,
): { config: string; files: AttemptFile[] } {
  const params = samplesheetParams(schema);
  if (params.length === 0) return { config: configText, files: [] };
  const config = JSON.parse(configText) as Record<string, unknown>;
  const files: AttemptFile[] = [];
  for (const param of params) {
    const rows = config[param.name];
    if (!Array.isArray(rows)) continue;
    const name = samplesheetFileName(param.name);
    files.push({ name, content: samplesheetCsv(param.columns, rows) });
    config[param.name] = path.join(workDir, name);
  }
  if (files.length === 0) return { config: configText, files };
  return { config: `${JSON.stringify(config, null, 2)}\n`, files };
}
