import { jobIdFor } from "../queue/run-queue";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { transitionRunForUser } from "../lifecycle/transition-run-for-user";

/**
 * Cancels a run (POST /api/v1/runs/{id}/cancel). queued/held → cancelled at once;
 * running → cancelling, and the worker that runs it kills the process group and
 * records `cancelled`. A finished run (cancelled included) → 409; a run already
 * cancelling answers as if just asked (see server/lifecycle/run-transitions.ts).
 */
export async function cancelRun(
  ctx: AppContext,
  options: { principal: Principal; runId: string; ip?: string },
): Promise<{ status: string }> {
  const { run, status, applied } = await transitionRunForUser(ctx, { ...options, event: "cancel" });
  if (applied && status === "cancelled") {
    // The worker's claim would skip it anyway; removing it keeps the queue honest.
    await ctx.queue.remove(jobIdFor(run.publicId, run.attempt + 1)).catch(() => undefined);
  } else if (applied && status === "cancelling") {
    // The worker running it stops the process group and records the end.
    await ctx.redis.publish(ctx.keys.cancelChannel, run.publicId).catch(() => undefined);
  }
  return { status };
}
