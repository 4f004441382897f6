import { isTerminal } from "@/lib/run-status";
import { jobIdFor } from "../queue/run-queue";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { findRunFor } from "./find-run-for";
import { transitionRun } from "./transition-run";

/**
 * Cancels a run (POST /api/v1/runs/{id}/cancel). queued/held → cancelled at once;
 * running → cancelling, and the worker that runs it kills the process group and
 * records `cancelled`. A finished run (cancelled included) → 409; a run already
 * cancelling answers as if just asked.
 */
export async function cancelRun(
  ctx: AppContext,
  options: { principal: Principal; runId: string },
): Promise<{ status: string }> {
  const { run } = await findRunFor(ctx, {
    principal: options.principal,
    runId: options.runId,
    access: "manage",
  });
  const actor = options.principal.userId;
  const by = `cancelled by ${options.principal.username}`;
  // A few tries: the run may move from queued to running between our reads.
  for (let tries = 0; tries < 3; tries++) {
    const now = new Date();
    if (
      await transitionRun(ctx.db, {
        runId: run.id,
        from: ["queued", "held"],
        to: "cancelled",
        set: { finishedAt: now, cancelRequestedAt: now },
        message: by,
        actorUserId: actor,
        now,
      })
    ) {
      // The worker's claim would skip it anyway; removing it keeps the queue honest.
      await ctx.queue.remove(jobIdFor(run.publicId, run.attempt + 1)).catch(() => undefined);
      return { status: "cancelled" };
    }
    if (
      await transitionRun(ctx.db, {
        runId: run.id,
        from: ["running"],
        to: "cancelling",
        set: { cancelRequestedAt: now },
        message: by,
        actorUserId: actor,
        now,
      })
    ) {
      await ctx.redis.publish(ctx.keys.cancelChannel, run.publicId).catch(() => undefined);
      return { status: "cancelling" };
    }
    const { run: current } = await findRunFor(ctx, {
      principal: options.principal,
      runId: options.runId,
      access: "manage",
    });
    if (current.status === "cancelling") return { status: "cancelling" };
    if (isTerminal(current.status)) {
      throw new AppError("CONFLICT", `The run has already finished: it is ${current.status}`);
    }
  }
  throw new AppError("CONFLICT", "The run changed state while cancelling; try again");
}
