import type { ApiCall } from "./api-route";
import { AppError } from "../errors";
import { submitRun } from "../runs/submit-run";
import { toRunView } from "../runs/run-view";
import { decodeUtf8, readBody, requireJsonContentType } from "./read-body";
import { json } from "./responses";

function idempotencyKeyOf(request: Request): string | undefined {
  const key = request.headers.get("idempotency-key");
  if (key === null) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new AppError("BAD_REQUEST", "Idempotency-Key must be 1-255 visible ASCII characters");
  }
  return key;
}

/**
 * Shared by POST /api/v1/runs and POST /api/v1/new-run/: read the JSON body within
 * the size limit, submit it, answer 201 + Location (200 for an idempotent replay or a
 * dry run).
 */
export async function handleSubmission(
  call: ApiCall<unknown>,
  format: "runs" | "legacy",
): Promise<Response> {
  const { request, url, app, principal } = call;
  requireJsonContentType(request);
  const bodyText = decodeUtf8(await readBody(request, app.config.maxBodyBytes));
  const result = await submitRun(app, {
    principal,
    bodyText,
    format,
    trigger: principal.via === "session" ? "web" : format === "legacy" ? "legacy_api" : "api",
    dryRun: url.searchParams.get("dryRun") === "true",
    idempotencyKey: idempotencyKeyOf(request),
  });
  if (result.kind === "dry-run") {
    return json({ valid: true, pipeline: result.pipeline, config: result.config });
  }
  const view = toRunView(result.run, { submitter: principal.username });
  return json(view, {
    status: result.kind === "created" ? 201 : 200,
    headers: { Location: view.links.self },
  });
}
