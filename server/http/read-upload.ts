import type { AppContext } from "../context";
import { CPU_INLINE_MAX_BYTES, runCpuTask } from "../cpu/run-cpu-task";
import { mediaType, readBody } from "./read-body";
import { WORKBOOK_TYPES, withFields, type Upload } from "./read-form";

export { ODS_TYPE, XLS_TYPE, XLSX_TYPE } from "./read-form";

/** Text bodies read as one sheet: CSV, or TSV (the CSV reader finds the tabs). */
const TEXT_TYPES = new Set(["text/csv", "text/tab-separated-values"]);

/** Whether a request's body is a spreadsheet upload (by its media type). */
export function isUpload(request: Request): boolean {
  const type = mediaType(request);
  return WORKBOOK_TYPES.has(type) || TEXT_TYPES.has(type) || type === "multipart/form-data";
}

/**
 * Reads an upload within the body limit: a raw .xlsx, .ods, .xls, CSV or TSV body, or multipart with
 * `file` (and optional `pipeline`, `name`, `config`). 400 for a form without a file or
 * with unknown fields. A form over 32 KiB is read on a CPU thread: reading a 3.5 MB form
 * (its parse, five copies of its bytes, its `config` field) ran as one chain of promises
 * that never yielded, and held the event loop for about 100 ms (the fuzzer's slow health
 * poll, docs/notes/fuzzing.md).
 */
export async function readUpload(
  ctx: Pick<AppContext, "db" | "caches" | "cpu" | "config">,
  request: Request,
  url: URL,
  limit: number,
): Promise<Upload> {
  const type = mediaType(request);
  const body = await readBody(request, limit);
  const fields: Record<string, string> = {};
  const pipeline = url.searchParams.get("pipeline");
  if (pipeline) fields.pipeline = pipeline;
  if (type !== "multipart/form-data") {
    return withFields(
      { body, kind: TEXT_TYPES.has(type) ? "csv" : (WORKBOOK_TYPES.get(type) ?? "xlsx") },
      fields,
    );
  }
  const contentType = request.headers.get("content-type") ?? "";
  const upload = await runCpuTask(
    ctx,
    "readForm",
    { body, contentType, fields },
    { offThread: body.length > CPU_INLINE_MAX_BYTES },
  );
  // A Buffer comes back from a thread as a plain Uint8Array.
  const data: Uint8Array = upload.body;
  return Buffer.isBuffer(data)
    ? upload
    : { ...upload, body: Buffer.from(data.buffer, data.byteOffset, data.length) };
}
