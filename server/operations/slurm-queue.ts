import { z } from "zod";
import type { SlurmQueueView } from "@/lib/contract/operations";
import type { AppContext } from "../context";

/** What a worker publishes after each look at Slurm (its watcher's poll, or a ping). */
const ZPublishedQueue = z.object({
  workerId: z.string(),
  at: z.string(),
  answers: z.boolean(),
  error: z.string().nullable(),
  jobs: z.array(
    z.object({
      jobId: z.string(),
      runId: z.string().nullable(),
      attempt: z.number().int().nullable(),
      state: z.string(),
      reason: z.string(),
      node: z.string(),
      elapsed: z.string(),
    }),
  ),
});
type PublishedQueue = z.infer<typeof ZPublishedQueue>;

/** Runport's job names: `runport-<run id>-<attempt>` (worker/start-pipeline-process.ts). */
const JOB_NAME = /^runport-([0-9a-z]+)-(\d+)$/;

/**
 * Publishes a worker's view of its Slurm jobs for the Operations page (the web process
 * may have no Slurm commands): one key per worker, expiring after `ttlSeconds` so that a
 * stopped worker's view goes away with it.
 */
export async function publishSlurmQueue(
  ctx: Pick<AppContext, "redis" | "keys">,
  options: {
    workerId: string;
    answers: boolean;
    error: string | null;
    jobs: {
      jobId: string;
      state: string;
      reason: string;
      node?: string;
      elapsed?: string;
      name?: string;
    }[];
    ttlSeconds: number;
  },
): Promise<void> {
  const view: PublishedQueue = {
    workerId: options.workerId,
    at: new Date().toISOString(),
    answers: options.answers,
    error: options.error?.slice(0, 500) ?? null,
    jobs: options.jobs.slice(0, 1000).map((job) => {
      const name = JOB_NAME.exec(job.name ?? "");
      return {
        jobId: job.jobId,
        runId: name?.[1] ?? null,
        attempt: name ? Number(name[2]) : null,
        state: job.state,
        reason: job.reason,
        node: job.node ?? "",
        elapsed: job.elapsed ?? "",
      };
    }),
  };
  await ctx.redis.set(
    ctx.keys.slurmQueue(options.workerId),
    JSON.stringify(view),
    "EX",
    Math.ceil(options.ttlSeconds),
  );
}

/**
 * The Slurm queue of Runport's jobs as the live workers last saw it, and whether their
 * Slurm commands answer; null when no worker publishes one (none runs Slurm pipelines).
 */
export async function readSlurmQueue(
  ctx: Pick<AppContext, "redis" | "keys">,
  workerIds: readonly string[],
): Promise<SlurmQueueView | null> {
  if (workerIds.length === 0) return null;
  const values = await ctx.redis.mget(workerIds.map((id) => ctx.keys.slurmQueue(id)));
  const views = values.flatMap((value) => {
    if (!value) return [];
    const parsed = ZPublishedQueue.safeParse(JSON.parse(value));
    return parsed.success ? [parsed.data] : [];
  });
  if (views.length === 0) return null;
  return {
    workers: views.map(({ workerId, at, answers, error }) => ({ workerId, at, answers, error })),
    jobs: views
      .flatMap(({ workerId, jobs }) => jobs.map((job) => ({ ...job, workerId })))
      .sort((a, b) => Number(a.jobId) - Number(b.jobId)),
  };
}
