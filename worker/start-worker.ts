import { hostname } from "node:os";
import { Worker } from "bullmq";
import type { AppContext } from "@/server/context";
import { writeWorkerHeartbeat } from "@/server/health/heartbeats";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { RUN_QUEUE_NAME } from "@/server/queue/run-queue";
import { redisOptions } from "@/server/redis";
import { listenForCancels } from "./cancel-listener";
import type { ActiveRun } from "./execute-run";
import { createExecuteRunHandler } from "./jobs/execute-run.handler";
import { pipelineLimits } from "@/server/runs/run-limits";
import { cleanWorkDirs } from "./clean-work-dirs";
import { createLauncherPool } from "./executors/process-launcher";
import { createSlurmContext } from "./executors/slurm-executor";
import { reapOrphans } from "./reap-orphans";
import { prepareRunsDir, resolveRunAsUser } from "./run-as-user";
import { startWebhookSender } from "./webhook-sender";

export interface WorkerHandle {
  workerId: string;
  active: Map<string, ActiveRun>;
  /** Stops taking runs, waits up to drainSeconds for running ones, then hands the rest back. */
  stop(): Promise<void>;
}

const HEARTBEAT_MS = 5_000;
/** How often this host is searched for process groups of lost workers (and at start). */
const REAP_MS = 10_000;
/** How often old working directories are removed (and at start). */
const CLEAN_MS = 3600_000;
/** Launchers kept waiting for the next runs (./executors/process-launcher.ts). */
const LAUNCHERS = 2;

/** Starts consuming the run queue with the given pipelines (what worker/main.ts runs). */
export function startWorker(ctx: AppContext, pipelines: readonly LoadedPipeline[]): WorkerHandle {
  // Before anything connects: a worker that cannot run pipelines as RUN_AS_USER must not
  // take runs (they would run as root, or fail one by one).
  const runAs = resolveRunAsUser(ctx.config.runAsUser);
  if (runAs) prepareRunsDir(ctx.config.runsDir, runAs);
  const host = hostname();
  const workerId = ctx.config.workerId ?? `${host}-${process.pid}`;
  const active = new Map<string, ActiveRun>();
  const registry = new Map(pipelines.map((p) => [`${p.name}@${p.version}`, p]));
  // Two waiting launchers cover a run starting while the previous one's replacement starts.
  const launchers = createLauncherPool({
    size: Math.min(ctx.config.workerConcurrency, LAUNCHERS),
    ...(runAs ? { user: { uid: runAs.uid, gid: runAs.gid } } : {}),
    onUnavailable: (error) =>
      ctx.log.warn({ err: error }, "no launchers (perl missing?): runs fork the worker"),
  });
  const slurm = createSlurmContext({
    childEnv: ctx.config.childEnv,
    slurm: ctx.config.slurm,
    onPollError: (error) => ctx.log.warn({ err: error }, "Slurm did not answer: asking again"),
  });
  const handler = createExecuteRunHandler({
    ctx,
    worker: { workerId, host },
    pipelines: registry,
    active,
    pipelineLimits: pipelineLimits(pipelines),
    runAs,
    uncertainClaims: new Set(),
    launchers,
    slurm,
  });
  const bull = new Worker(RUN_QUEUE_NAME, handler, {
    connection: { url: ctx.config.redisUrl, ...redisOptions("blocking") },
    prefix: ctx.config.redisPrefix,
    concurrency: ctx.config.workerConcurrency,
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
    // A run's duration is unbounded; the lock is renewed while it runs.
    lockDuration: 60_000,
    maxStalledCount: 5,
  });
  bull.on("error", (error) => ctx.log.warn({ err: error }, "queue connection error"));
  bull.on("failed", (job, error) =>
    ctx.log.error({ err: error, runId: job?.id }, "run job failed"),
  );
  const stopCancels = listenForCancels(ctx, active);
  const webhooks = startWebhookSender(ctx);
  const startedAt = new Date().toISOString();
  /** Runs `task` now and every `ms`; a failure is logged when it has a `failure` message. */
  const every = (ms: number, failure: string | null, task: () => Promise<unknown>) => {
    const run = () =>
      void task().catch((error: unknown) => {
        if (failure) ctx.log.warn({ err: error }, failure);
      });
    run();
    return setInterval(run, ms);
  };
  const timers = [
    every(HEARTBEAT_MS, null, () =>
      writeWorkerHeartbeat(ctx, {
        id: workerId,
        host,
        pid: process.pid,
        concurrency: ctx.config.workerConcurrency,
        running: [...active.keys()],
        startedAt,
        at: new Date().toISOString(),
      }),
    ),
    every(REAP_MS, "orphan search failed", () =>
      reapOrphans(ctx, { host, workerId, active, graceMs: ctx.config.cancelGraceSeconds * 1000 }),
    ),
    every(CLEAN_MS, "removing old working directories failed", () => cleanWorkDirs(ctx)),
  ];
  ctx.log.info(
    {
      workerId,
      concurrency: ctx.config.workerConcurrency,
      pipelines: [...registry.keys()],
      runAs: runAs?.name ?? null,
    },
    "worker started",
  );

  return {
    workerId,
    active,
    async stop() {
      const closing = bull.close();
      const drainMs = ctx.config.workerDrainSeconds * 1000;
      const deadline = setTimeout(() => {
        for (const run of active.values()) run.handBack("worker stopping");
      }, drainMs);
      await closing;
      clearTimeout(deadline);
      timers.forEach(clearInterval);
      launchers.close();
      slurm.watcher.stop();
      stopCancels();
      await webhooks.stop();
      await ctx.redis.del(ctx.keys.worker(workerId)).catch(() => undefined);
    },
  };
}
