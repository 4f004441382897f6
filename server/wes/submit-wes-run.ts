import type { ProblemItem } from "@/lib/contract/problem";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { withStatementBudget } from "@/db/client";
import { SUBMISSION_STATEMENT_MS } from "../http/submission";
import { submitRun } from "../runs/submit-run";
import type { WesRunForm } from "./read-wes-run-form";

/** Runport's envelope fields and the WES fields they came from. */
const FIELD_OF: Record<string, string> = {
  config: "workflow_params",
  pipeline: "workflow_url",
  labels: "tags",
  name: "workflow_engine_parameters/name",
  priority: "workflow_engine_parameters/priority",
  hold: "workflow_engine_parameters/hold",
};

/**
 * POST /ga4gh/wes/v1/runs: the form as Runport's envelope {pipeline, labels, name,
 * priority, hold, config}, submitted through submitRun (the same validation,
 * authorization, limits and run row as POST /api/v1/runs). The config's text is placed
 * into the envelope as sent, after it was read as one JSON object (so it cannot add
 * fields of its own), on the envelope's first line: its problems keep their pointer
 * (`/config/x` → `/workflow_params/x`) and their line and column in workflow_params.
 */
export async function submitWesRun(
  ctx: AppContext,
  options: { principal: Principal; form: WesRunForm },
): Promise<{ run_id: string }> {
  const { params, ...envelope } = options.form;
  const prefix = `${JSON.stringify(envelope).slice(0, -1)},"config":`;
  try {
    // Each statement bounded as POST /api/v1/runs bounds them (server/http/submission.ts).
    const result = await withStatementBudget(SUBMISSION_STATEMENT_MS, () =>
      submitRun(ctx, {
        principal: options.principal,
        body: `${prefix}${params}}`,
        format: "runs",
        trigger: options.principal.via === "session" ? "web" : "api",
        dryRun: false,
      }),
    );
    if (result.kind === "dry-run") throw new Error("a WES submission is never a dry run");
    return { run_id: result.run.publicId };
  } catch (error) {
    if (!(error instanceof AppError) || !error.errors) throw error;
    const errors = error.errors.map((item) => inWesTerms(item, prefix.length));
    throw new AppError(error.code, error.message, {
      errors,
      ...(error.headers ? { headers: error.headers } : {}),
      cause: error,
    });
  }
}

/** A problem of the envelope as a problem of the WES field it came from. */
function inWesTerms(item: ProblemItem, prefixLength: number): ProblemItem {
  const [, head = "", ...rest] = item.path.split("/");
  const field = FIELD_OF[head];
  const path = field ? ["", field, ...rest].join("/") : item.path;
  const { line, column, ...others } = item;
  if (head !== "config" || line === undefined || column === undefined) return { ...others, path };
  return { ...others, path, line, column: line === 1 ? column - prefixLength : column };
}
