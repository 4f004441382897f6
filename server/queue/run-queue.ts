import { Queue, type ConnectionOptions } from "bullmq";
import { z } from "zod";

/**
 * The one job of Runport: execute a run. Declared once here; the web enqueues it,
 * worker/jobs/execute-run.handler.ts consumes it. jobId = the run's public id, so an
 * enqueue is idempotent (a run is never twice in the queue).
 */
export const RUN_QUEUE_NAME = "runs";
export const EXECUTE_RUN_JOB = "execute-run";

export const ZExecuteRunPayload = z.object({ runId: z.string().length(26) });
export type TExecuteRunPayload = z.infer<typeof ZExecuteRunPayload>;

export type RunQueue = Queue<TExecuteRunPayload, void, typeof EXECUTE_RUN_JOB>;

export function connectionFromUrl(url: string, blocking: boolean): ConnectionOptions {
  return {
    url,
    maxRetriesPerRequest: blocking ? null : 1,
    retryStrategy: (times: number) => Math.min(times * 200, 5000),
  };
}

export function createRunQueue(redisUrl: string, prefix: string): RunQueue {
  return new Queue(RUN_QUEUE_NAME, {
    connection: connectionFromUrl(redisUrl, false),
    prefix,
    skipWaitingForReady: true,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
  });
}

/** Adds the run's job; a job with this id already in the queue makes it a no-op. */
export async function enqueueRun(queue: RunQueue, runId: string, priority = 0): Promise<void> {
  const payload: TExecuteRunPayload = { runId };
  await queue.add(EXECUTE_RUN_JOB, payload, {
    jobId: runId,
    // BullMQ: 0 = no priority (fastest path); 1 is highest. Runport priority is higher = sooner.
    ...(priority > 0 ? { priority: Math.max(1, 1000 - priority) } : {}),
  });
}
