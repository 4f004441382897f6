import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { enqueueRun } from "../queue/run-queue";
import { findRunFor } from "./find-run-for";
import { transitionRun } from "./transition-run";

/**
 * Releases a held run (POST /api/v1/runs/{id}/release): held → queued, and its first
 * attempt is enqueued. A run that is not held → 409.
 */
export async function releaseRun(
  ctx: AppContext,
  options: { principal: Principal; runId: string },
): Promise<{ status: "queued" }> {
  const { run } = await findRunFor(ctx, { ...options, access: "manage" });
  const now = new Date();
  const released = await transitionRun(ctx.db, {
    runId: run.id,
    from: ["held"],
    to: "queued",
    set: { queuedAt: now },
    message: `released by ${options.principal.username}`,
    actorUserId: options.principal.userId,
    now,
  });
  if (!released)
    throw new AppError("CONFLICT", `Only a held run can be released; this one is ${run.status}`);
  await enqueueRun(ctx.queue, {
    runId: run.publicId,
    attempt: run.attempt + 1,
    priority: run.priority,
  }).catch((error: unknown) =>
    ctx.log.warn({ err: error, runId: run.publicId }, "enqueue failed; beat will re-enqueue"),
  );
  return { status: "queued" };
}
