import { and, asc, eq, gt, lt } from "drizzle-orm";
import { runs } from "@/db/schema";
import type { AppContext } from "../context";
import { enqueueRun } from "../queue/run-queue";

const BATCH = 500;
/** Runs younger than this may still be on their way into Redis from the web. */
const GRACE_MS = 5000;

/**
 * MySQL is the truth: every run it holds as queued must have a job in Redis. Re-adds
 * the missing ones (after a Redis flush or restart, or an enqueue that failed).
 * Returns how many were re-enqueued.
 */
export async function reconcileQueue(ctx: AppContext, now = new Date()): Promise<number> {
  let requeued = 0;
  let afterId = 0;
  for (;;) {
    const batch = await ctx.db
      .select({ id: runs.id, publicId: runs.publicId, priority: runs.priority })
      .from(runs)
      .where(
        and(
          eq(runs.status, "queued"),
          gt(runs.id, afterId),
          lt(runs.queuedAt, new Date(now.getTime() - GRACE_MS)),
        ),
      )
      .orderBy(asc(runs.id))
      .limit(BATCH);
    if (batch.length === 0) return requeued;
    const states = await Promise.all(batch.map((run) => ctx.queue.getJobState(run.publicId)));
    for (const [i, run] of batch.entries()) {
      const state = states[i];
      if (
        state === "waiting" ||
        state === "active" ||
        state === "delayed" ||
        state === "prioritized" ||
        state === "waiting-children"
      )
        continue;
      // completed/failed leftovers block a new job with the same id: remove them first.
      if (state === "completed" || state === "failed")
        await ctx.queue.remove(run.publicId).catch(() => undefined);
      await enqueueRun(ctx.queue, run.publicId, run.priority);
      requeued++;
    }
    afterId = batch[batch.length - 1]!.id;
  }
}
