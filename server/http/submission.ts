import { withStatementBudget } from "@/db/client";
import type { ApiCall } from "./api-route";
import { AppError } from "../errors";
import { submitRun, type SubmitRunResult } from "../runs/submit-run";
import { toRunView } from "../runs/run-view";
import { submitSpreadsheet } from "../spreadsheets/submit-spreadsheet";
import { readJsonBytes } from "./json-body";
import { isUpload, readUpload } from "./read-upload";
import { json } from "./responses";

/** How long one statement of a submission may wait for MySQL (connection and answer). */
export const SUBMISSION_STATEMENT_MS = 1200;

function idempotencyKeyOf(request: Request): string | undefined {
  const key = request.headers.get("idempotency-key");
  if (key === null) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new AppError("BAD_REQUEST", "Idempotency-Key must be 1-255 visible ASCII characters");
  }
  return key;
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
  const limit = app.config.maxBodyBytes;
  const idempotencyKey = idempotencyKeyOf(request);
  const options = {
    principal,
    dryRun: url.searchParams.get("dryRun") === "true",
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
  // The body first (a slow upload is the client's time), then the service with each
  // statement bounded: a MySQL that stops answering (it does while it shuts down) gives
  // a 503 in time instead of a request that hangs until the server drops the connection.
  let submit: () => Promise<SubmitRunResult>;
  if (isUpload(request)) {
    const upload = await readUpload(app, request, url, limit);
    submit = () => submitSpreadsheet(app, { ...options, ...upload });
  } else {
    const body = await readJsonBytes(request, limit);
    const trigger =
      principal.via === "session" ? "web" : format === "legacy" ? "legacy_api" : "api";
    submit = () => submitRun(app, { ...options, body, format, trigger });
  }
  const result = await withStatementBudget(SUBMISSION_STATEMENT_MS, submit);
  if (result.kind === "dry-run") {
    const { pipeline, config, warnings } = result;
    return json({ valid: true, pipeline, config, warnings });
  }
  const view = toRunView(result.run, { submitter: principal.username });
  return json(view, {
    status: result.kind === "created" ? 201 : 200,
    headers: { Location: view.links.self },
  });
}
