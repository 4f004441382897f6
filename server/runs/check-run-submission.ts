import type { PipelineRow } from "@/db/schema";
import type { UserRole } from "@/lib/roles";
import { validateWith } from "@/lib/schema/validate-config";
import { MAX_PRIORITY, SUBMITTER_MAX_PRIORITY } from "@/lib/contract/runs";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { withPositions } from "../http/json-body";
import { getConfigValidator } from "../pipelines/get-config-validator";
import { resolvePipeline } from "../pipelines/resolve-pipeline";
import { readRunRequest, type RunRequest } from "./read-run-request";

export interface CheckRunSubmissionOptions {
  /** The request body as received. */
  bodyText: string;
  /** `runs` = {pipeline, config, ...}; `legacy` = the body is the config. */
  format: "runs" | "legacy";
  role: UserRole;
}

/**
 * Everything submitRun checks before it stores anything (JSON, envelope, pipeline,
 * priority, labels, the pipeline's JSON Schema); every problem carries a JSON Pointer
 * into the submitted document and its line and column. Pure but for the pipeline lookup
 * (ctx.caches first), so a large body is checked on a CPU thread (server/cpu/).
 */
export async function checkRunSubmission(
  ctx: Pick<AppContext, "db" | "caches">,
  options: CheckRunSubmissionOptions,
): Promise<{ pipeline: PipelineRow; request: RunRequest }> {
  const { doc, request: envelope } = readRunRequest(options.bodyText, options.format);
  const pipeline = await resolvePipeline(ctx, envelope.pipeline).catch((error: unknown) => {
    if (error instanceof AppError && error.errors) {
      throw new AppError(error.code, error.message, { errors: withPositions(doc, error.errors) });
    }
    throw error;
  });
  const maxPriority = options.role === "submitter" ? SUBMITTER_MAX_PRIORITY : MAX_PRIORITY;
  if (envelope.priority > maxPriority) {
    // Refused, not lowered: the caller learns at once that the run would not be ordered as
    // asked, and an Idempotency-Key replay never meets a run stored with other values.
    const message = `a ${options.role} may set a priority up to ${maxPriority} (operators and admins up to ${MAX_PRIORITY})`;
    throw new AppError("VALIDATION_FAILED", `The run request is not valid: ${message}`, {
      errors: withPositions(doc, [{ path: "/priority", message }]),
    });
  }
  if ("schedule" in envelope.labels) {
    // The beat labels a schedule's runs with it (the schedule's Runs link lists them).
    const message = "the label schedule is set by Runport on the runs of a schedule";
    throw new AppError("VALIDATION_FAILED", `The run request is not valid: ${message}`, {
      errors: withPositions(doc, [{ path: "/labels/schedule", message }]),
    });
  }
  const problems = validateWith(getConfigValidator(ctx, pipeline), envelope.config);
  if (problems.length > 0) {
    const errors = problems.map((p) => ({ ...p, path: envelope.configPointer + p.path }));
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    throw new AppError(
      "VALIDATION_FAILED",
      `The config does not match the schema of ${pipeline.name}@${pipeline.version}: ${count}`,
      { errors: withPositions(doc, errors) },
    );
  }
  return { pipeline, request: envelope };
}
