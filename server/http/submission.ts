import type { ApiCall } from "./api-route";
import { AppError } from "../errors";
import { submitRun, type SubmitRunResult } from "../runs/submit-run";
import { toRunView } from "../runs/run-view";
import { submitSpreadsheet } from "../spreadsheets/submit-spreadsheet";
import { readJsonText } from "./json-body";
import { isUpload, readUpload, type Upload } from "./read-upload";
import { json } from "./responses";

function idempotencyKeyOf(request: Request): string | undefined {
  const key = request.headers.get("idempotency-key");
  if (key === null) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new AppError("BAD_REQUEST", "Idempotency-Key must be 1-255 visible ASCII characters");
  }
  return key;
}

/** The `config` form field: a JSON object of the values a CSV does not carry. */
export function baseOf(upload: Upload): Record<string, unknown> | undefined {
  const text = upload.fields.config;
  if (text === undefined || text.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", 'The "config" form field is not valid JSON');
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AppError("BAD_REQUEST", 'The "config" form field must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * Shared by POST /api/v1/runs and POST /api/v1/new-run/: read the JSON body (or the
 * spreadsheet) within the size limit, submit it, answer 201 + Location (200 for an
 * idempotent replay or a dry run).
 */
export async function handleSubmission(
  call: ApiCall<unknown>,
  format: "runs" | "legacy",
): Promise<Response> {
  const { request, url, app, principal } = call;
  const dryRun = url.searchParams.get("dryRun") === "true";
  const idempotencyKey = idempotencyKeyOf(request);
  if (isUpload(request)) {
    const upload = await readUpload(request, url, app.config.maxBodyBytes);
    const base = baseOf(upload);
    const result = await submitSpreadsheet(app, {
      principal,
      body: upload.body,
      kind: upload.kind,
      dryRun,
      ...(upload.fields.pipeline ? { pipeline: upload.fields.pipeline } : {}),
      ...(upload.fields.name ? { name: upload.fields.name } : {}),
      ...(base ? { base } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
    return answer(result, principal.username);
  }
  const bodyText = await readJsonText(request, app.config.maxBodyBytes);
  const result = await submitRun(app, {
    principal,
    bodyText,
    format,
    trigger: principal.via === "session" ? "web" : format === "legacy" ? "legacy_api" : "api",
    dryRun,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  return answer(result, principal.username);
}

function answer(result: SubmitRunResult, username: string): Response {
  if (result.kind === "dry-run") {
    return json({ valid: true, pipeline: result.pipeline, config: result.config });
  }
  const view = toRunView(result.run, { submitter: username });
  return json(view, {
    status: result.kind === "created" ? 201 : 200,
    headers: { Location: view.links.self },
  });
}
