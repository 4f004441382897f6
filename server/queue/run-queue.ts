import { Queue } from "bullmq";
import { z } from "zod";
import { RUN_ID_PATTERN } from "@/lib/ids";
import { withinTime } from "@/lib/within-time";
import { redisOptions } from "../redis";

/**
 * The one job of Runport: execute an attempt of a run. Declared once here; the web and
 * beat enqueue it, worker/jobs/execute-run.handler.ts consumes it.
 *
 * Job ids are `<run id>-<attempt>`: enqueueing the same attempt twice is a no-op, and
 * the next attempt (a retry, a hand-back) can be queued while the previous attempt's
 * job is still finishing.
 */
export const RUN_QUEUE_NAME = "runs";
export const EXECUTE_RUN_JOB = "execute-run";

export const ZExecuteRunPayload = z.object({ runId: z.string().regex(RUN_ID_PATTERN) });
export type TExecuteRunPayload = z.infer<typeof ZExecuteRunPayload>;

export type RunQueue = Queue<TExecuteRunPayload, void, typeof EXECUTE_RUN_JOB>;

/**
 * The queue of the web and the beat. `skipVersionCheck`: BullMQ asks Redis for its version
 * (INFO) once, when the queue is made, and if that fails (Redis down: the command
 * connection fails fast) every later add rejects for ever, so a web or beat started during
 * a Redis outage would never enqueue again (server/queue/run-queue.int.test.ts). Runport
 * requires Redis >= 6.2 (docs/OPERATIONS.md); the worker's connection still checks.
 */
export function createRunQueue(redisUrl: string, prefix: string): RunQueue {
  return new Queue(RUN_QUEUE_NAME, {
    connection: { url: redisUrl, ...redisOptions("command") },
    prefix,
    skipWaitingForReady: true,
    skipVersionCheck: true,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
  });
}

/** The job id of a run's attempt (the attempt the job will start). */
export function jobIdFor(runId: string, attempt: number): string {
  return `${runId}-${attempt}`;
}

/**
 * How long a request waits for Redis to take a job. ioredis keeps a command in its offline
 * queue while it reconnects (backing off up to 5 s, twice with maxRetriesPerRequest: 1):
 * 8.2 s measured with Redis stopped (e2e/faults). A run that MySQL holds as queued is
 * enqueued by beat anyway (server/beat/reconcile-queue.ts), so a request need not wait.
 */
export const ENQUEUE_WAIT_MS = 500;

/**
 * Queues the next attempt of a run. Every job carries a BullMQ priority (1 is first):
 * Runport priority 100 → 1, 0 → 101, so that higher runs sooner and equal ones in order.
 * (Jobs without a BullMQ priority would all run before any prioritized job.)
 */
export async function enqueueRun(
  queue: RunQueue,
  options: {
    runId: string;
    attempt: number;
    priority: number;
    delayMs?: number;
    /** Wait at most this long (requests: ENQUEUE_WAIT_MS); the add itself goes on. */
    waitMs?: number;
  },
): Promise<void> {
  const payload: TExecuteRunPayload = { runId: options.runId };
  const adding = queue.add(EXECUTE_RUN_JOB, payload, {
    jobId: jobIdFor(options.runId, options.attempt),
    priority: 101 - Math.min(100, Math.max(0, options.priority)),
    ...(options.delayMs ? { delay: options.delayMs } : {}),
  });
  if (options.waitMs === undefined) {
    await adding;
    return;
  }
  adding.catch(() => undefined); // a late add may still land: the job id makes it harmless
  const ms = options.waitMs;
  await withinTime(adding, ms, () => new Error(`Command timed out: Redis took no job in ${ms} ms`));
}
