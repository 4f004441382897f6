import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { ENQUEUE_WAIT_MS, enqueueRun } from "../queue/run-queue";
import { transitionRunForUser } from "../lifecycle/transition-run-for-user";

/**
 * Releases a held run (POST /api/v1/runs/{id}/release): held → queued, and its first
 * attempt is enqueued. A run that is not held → 409.
 */
export async function releaseRun(
  ctx: AppContext,
  options: { principal: Principal; runId: string; ip?: string },
): Promise<{ status: "queued" }> {
  const { run } = await transitionRunForUser(ctx, { ...options, event: "release" });
  await enqueueRun(ctx.queue, {
    runId: run.publicId,
    attempt: run.attempt + 1,
    priority: run.priority,
    waitMs: ENQUEUE_WAIT_MS,
  }).catch((error: unknown) =>
    ctx.log.warn({ err: error, runId: run.publicId }, "enqueue failed; beat will re-enqueue"),
  );
  return { status: "queued" };
}
