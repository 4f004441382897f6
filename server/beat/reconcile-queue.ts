import { and, asc, eq, gt, lt } from "drizzle-orm";
import { runs } from "@/db/schema";
import type { AppContext } from "../context";
import { enqueueRun, jobIdFor } from "../queue/run-queue";

const BATCH = 500;
/** Runs younger than this may still be on their way into Redis from the web. */
const GRACE_MS = 5000;
/** Job states that will still start the attempt. */
const PENDING = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);

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
      .select({
        id: runs.id,
        publicId: runs.publicId,
        priority: runs.priority,
        attempt: runs.attempt,
      })
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
    const jobIds = batch.map((run) => jobIdFor(run.publicId, run.attempt + 1));
    const states = await Promise.all(jobIds.map((jobId) => ctx.queue.getJobState(jobId)));
    for (const [i, run] of batch.entries()) {
      const state = states[i]!;
      if (PENDING.has(state)) continue;
      // completed/failed leftovers block a new job with the same id: remove them first.
      if (state === "completed" || state === "failed")
        await ctx.queue.remove(jobIds[i]!).catch(() => undefined);
      await enqueueRun(ctx.queue, {
        runId: run.publicId,
        attempt: run.attempt + 1,
        priority: run.priority,
      });
      requeued++;
    }
    afterId = batch[batch.length - 1]!.id;
  }
}
