import { eq } from "drizzle-orm";
import { pipelines, type RunRow } from "@/db/schema";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { isFinished } from "../lifecycle/run-transitions";
import { refusal } from "../lifecycle/transition-run-for-user";
import { CPU_INLINE_MAX_BYTES, runCpuTask } from "../cpu/run-cpu-task";
import { createRun } from "./create-run";
import { findRunFor } from "./find-run-for";
import { requireSubmitter } from "../auth/require-role";
import { auditStatement } from "../audit/record-audit";
import { MAX_PRIORITY, SUBMITTER_MAX_PRIORITY } from "@/lib/contract/runs";

/**
 * Re-runs a finished run (POST /api/v1/runs/{id}/retry): a new run of the same pipeline
 * version with the same config, name, labels and priority, submitted by the caller and
 * linked to the old one (`retryOf`). The priority is lowered to the caller's bound (a
 * submitter's is SUBMITTER_MAX_PRIORITY), as a submission would be refused above it:
 * lowered, not refused, because the caller did not choose it (a user who was an operator
 * when the run was submitted can still retry their own run). 409 while the old run has not finished. A retry of
 * somebody else's run is audited in the new run's transaction.
 */
export async function retryRun(
  ctx: AppContext,
  options: { principal: Principal; runId: string; ip?: string },
): Promise<RunRow> {
  const { principal } = options;
  requireSubmitter(principal);
  const { run, submitter } = await findRunFor(ctx, { ...options, access: "manage" });
  if (!isFinished(run.status)) throw refusal("retry", run.status);
  const [pipeline] = await ctx.db
    .select()
    .from(pipelines)
    .where(eq(pipelines.id, run.pipelineId))
    .limit(1);
  if (!pipeline) {
    throw new AppError(
      "UNKNOWN_PIPELINE",
      `${run.pipelineName}@${run.pipelineVersion} is no longer registered`,
    );
  }
  // The schema may have changed in place and the files may be gone since: checked again
  // (on a CPU thread when the config is large).
  const warnings = await runCpuTask(
    ctx,
    "checkStoredConfig",
    { pipeline, configText: run.config },
    { offThread: run.config.length > CPU_INLINE_MAX_BYTES },
  );
  const maxPriority = principal.role === "submitter" ? SUBMITTER_MAX_PRIORITY : MAX_PRIORITY;
  const { run: created } = await createRun(ctx, {
    principal,
    pipeline,
    configText: run.config,
    name: run.name,
    labels: run.labels,
    hold: false,
    priority: Math.min(run.priority, maxPriority),
    trigger: "retry",
    warnings,
    retryOfRunId: run.id,
    also: (newRunId) =>
      run.userId === principal.userId
        ? []
        : [
            auditStatement({
              action: "run.retry",
              actor: principal,
              ip: options.ip ?? null,
              target: { type: "run", id: run.publicId },
              details: { owner: submitter, status: run.status, newRun: newRunId },
            }),
          ],
  });
  return created;
}
