import { ZUploadFields } from "@/lib/contract/spreadsheets";
import { parseJson } from "@/lib/json/parse-json";
import type { ParseSpreadsheetOptions, SpreadsheetKind } from "../spreadsheets/parse-spreadsheet";
import { AppError } from "../errors";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet";
export const XLS_TYPE = "application/vnd.ms-excel";

/** Media types of workbook bodies, and the kind each names (the reader then goes by content). */
export const WORKBOOK_TYPES = new Map<string, SpreadsheetKind>([
  [XLSX_TYPE, "xlsx"],
  [ODS_TYPE, "ods"],
  [XLS_TYPE, "xls"],
  ["application/x-msexcel", "xls"],
  ["application/msexcel", "xls"],
]);

/**
 * A spreadsheet sent as the body or as the multipart field `file`, with its other fields
 * (`pipeline` from the form or the query, `name`, and `config` read as `base`).
 */
export type Upload = ParseSpreadsheetOptions & { name?: string };

const FIELDS = new Set(["file", "pipeline", "name", "config"]);

/**
 * The `config` form field: a JSON object of the values a CSV does not carry. Read with
 * the API's JSON parser, depth limit included: a deeper value would overflow the stack
 * where the config is copied and validated (a 500, found by the fuzzer).
 */
function baseOf(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const { line, column } = parsed.position;
    throw new AppError(
      "BAD_REQUEST",
      `The "config" form field is not valid JSON: ${parsed.message} at line ${line}, column ${column}`,
    );
  }
  const value = parsed.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AppError("BAD_REQUEST", 'The "config" form field must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Checks the text fields, then reads them as the upload's options. */
export function withFields(
  upload: { body: Buffer; kind: SpreadsheetKind },
  fields: Record<string, string>,
): Upload {
  const parsed = ZUploadFields.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError("BAD_REQUEST", `The form field "${issue.path.join(".")}" ${issue.message}`);
  }
  const base = baseOf(fields.config);
  return {
    ...upload,
    ...(fields.pipeline ? { pipeline: fields.pipeline } : {}),
    ...(fields.name ? { name: fields.name } : {}),
    ...(base ? { base } : {}),
  };
}

function kindOf(name: string, type: string, head: Buffer): SpreadsheetKind {
  const workbook = WORKBOOK_TYPES.get(type) ?? /\.(xlsx|ods|xls)$/i.exec(name)?.[1];
  if (workbook) return workbook.toLowerCase() as SpreadsheetKind;
  if (type === "text/csv" || /\.csv$/i.test(name)) return "csv";
  // By content: a ZIP or OLE file is a workbook (the reader then says what is wrong).
  return head[0] === 0x50 || head[0] === 0xd0 ? "xlsx" : "csv";
}

export interface ReadFormOptions {
  /** The whole multipart body (a Buffer, or a Uint8Array once it crossed to a thread). */
  body: Uint8Array;
  contentType: string;
  /** Fields known before the form (`pipeline` from the query); the form's own win. */
  fields: Record<string, string>;
}

/**
 * Reads a multipart/form-data upload: `file` (and optional `pipeline`, `name`, `config`).
 * 400 for a form that cannot be read, without a file or with unknown fields. Pure CPU and
 * megabytes of copies for a large form (the body, the parsed parts, the file's bytes),
 * with no I/O to wait for in between: read-upload.ts runs it on a CPU thread then.
 */
export async function readForm({ body, contentType, fields }: ReadFormOptions): Promise<Upload> {
  const known = { ...fields };
  let form: FormData;
  try {
    // No copy: our body is backed by an ArrayBuffer (Buffer.concat, or cloned to a thread).
    const bytes = body as Uint8Array<ArrayBuffer>;
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new AppError("BAD_REQUEST", "The multipart body could not be read");
  }
  let file: File | undefined;
  for (const [key, value] of form.entries()) {
    if (!FIELDS.has(key)) {
      throw new AppError(
        "BAD_REQUEST",
        `Unknown form field "${key}": send file, and optionally pipeline, name and config`,
      );
    }
    if (typeof value === "string") known[key] = value;
    else if (key === "file") file = value;
  }
  if (!file) throw new AppError("BAD_REQUEST", 'The form has no "file" field with the workbook');
  const data = Buffer.from(await file.arrayBuffer());
  return withFields({ body: data, kind: kindOf(file.name, file.type, data) }, known);
}
