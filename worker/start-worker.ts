import { hostname } from "node:os";
import { Worker } from "bullmq";
import type { AppContext } from "@/server/context";
import { writeWorkerHeartbeat } from "@/server/health/heartbeats";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { RUN_QUEUE_NAME } from "@/server/queue/run-queue";
import { redisOptions } from "@/server/redis";
import { listenForCancels } from "./cancel-listener";
import { listenForDrain } from "./drain-listener";
import type { ActiveRun } from "./execute-run";
import { createExecuteRunHandler } from "./jobs/execute-run.handler";
import { pipelineLimits } from "@/server/runs/run-limits";
import { cleanWorkDirs } from "./clean-work-dirs";
import { createLauncherPool } from "./executors/process-launcher";
import { createSlurmContext } from "./executors/slurm-executor";
import { pingSlurm } from "./executors/slurm-commands";
import type { SlurmQueueSnapshot } from "./executors/slurm-watcher";
import { publishSlurmQueue } from "@/server/operations/slurm-queue";
import { reapOrphans } from "./reap-orphans";
import { adoptSlurmRuns } from "./adopt-slurm-runs";
import { startMailSender } from "./mail-sender";
import { prepareRunsDir, refuseSlurmWithRunAs, resolveRunAsUser } from "./run-as-user";
import { startWebhookSender } from "./webhook-sender";

export interface WorkerHandle {
  workerId: string;
  active: Map<string, ActiveRun>;
  /**
   * Stops taking runs, lets its Slurm jobs run on (the next worker takes them up), waits up
   * to drainSeconds for the other running ones, then hands the rest back.
   */
  stop(): Promise<void>;
  /**
   * Stops everything at once and records nothing, as a kill -9 would (tests): runs are
   * left where they are, the heartbeat is removed as if it had expired.
   */
  kill(): Promise<void>;
}

const HEARTBEAT_MS = 5_000;
/** How often this host is searched for process groups of lost workers (and at start). */
const REAP_MS = 10_000;
/** How often old working directories are removed (and at start). */
const CLEAN_MS = 3600_000;
/** Launchers kept waiting for the next runs (./executors/process-launcher.ts). */
const LAUNCHERS = 2;

export interface WorkerOptions {
  /**
   * Called once when an admin asks this worker to drain (operations page, rolling reload):
   * worker/main.ts stops it as on SIGTERM and exits 0, and its supervisor starts a new one.
   * Default: stop() (the process goes on without a worker).
   */
  onDrainRequest?: () => void;
}

/** Starts consuming the run queue with the given pipelines (what worker/main.ts runs). */
export function startWorker(
  ctx: AppContext,
  pipelines: readonly LoadedPipeline[],
  options: WorkerOptions = {},
): WorkerHandle {
  // Before anything connects: a worker that cannot run pipelines as RUN_AS_USER must not
  // take runs (they would run as root, or fail one by one).
  const runAs = resolveRunAsUser(ctx.config.runAsUser);
  refuseSlurmWithRunAs(runAs, pipelines);
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
  // The Operations page's Slurm queue: each poll of the watcher, or a ping while idle.
  const runsSlurm = pipelines.some((p) => p.definition.executor === "slurm");
  const publish = (view: {
    answered: boolean;
    error: string | null;
    jobs: SlurmQueueSnapshot["jobs"];
  }) =>
    void publishSlurmQueue(ctx, {
      workerId,
      answers: view.answered,
      error: view.error,
      jobs: view.jobs,
      ttlSeconds: Math.max(60, (3 * ctx.config.slurm.pollMs) / 1000),
    }).catch(() => undefined);
  const slurm = createSlurmContext({
    childEnv: ctx.config.childEnv,
    slurm: ctx.config.slurm,
    onPollError: (error) => ctx.log.warn({ err: error }, "Slurm did not answer: asking again"),
    onPoll: publish,
  });
  const deps = {
    ctx,
    worker: { workerId, host },
    pipelines: registry,
    active,
    pipelineLimits: pipelineLimits(pipelines),
    runAs,
    uncertainClaims: new Set<string>(),
    launchers,
    slurm,
  };
  const handler = createExecuteRunHandler(deps);
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
  const stopDrainListener = listenForDrain(ctx, workerId, startedAt, () => {
    if (stopping) return;
    if (options.onDrainRequest) options.onDrainRequest();
    else void handle.stop();
  });
  /** Runs `task` now and every `ms`; a failure is logged when it has a `failure` message. */
  const every = (ms: number, failure: string | null, task: () => Promise<unknown>) => {
    const run = () =>
      void task().catch((error: unknown) => {
        if (failure) ctx.log.warn({ err: error }, failure);
      });
    run();
    return setInterval(run, ms);
  };
  let stopping = false;
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
    // Slurm jobs of workers that died keep running: this worker takes up watching them.
    every(REAP_MS, "taking up Slurm jobs of lost workers failed", async () => {
      if (!runsSlurm || stopping) return; // a stopping worker would take up its own jobs
      const adopted = await adoptSlurmRuns(deps);
      if (adopted.length > 0)
        ctx.log.warn({ runs: adopted }, "took up watching Slurm jobs of lost workers");
    }),
    every(HEARTBEAT_MS, null, async () => {
      if (!runsSlurm || slurm.watcher.size > 0) return; // the watcher's polls publish
      const error = await pingSlurm(slurm.commands).then(
        () => null,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      publish({ answered: error === null, error, jobs: [] });
    }),
    every(CLEAN_MS, "removing old working directories failed", () => cleanWorkDirs(ctx)),
  ];
  const mail = startMailSender(ctx);
  ctx.log.info(
    {
      workerId,
      concurrency: ctx.config.workerConcurrency,
      pipelines: [...registry.keys()],
      runAs: runAs?.name ?? null,
    },
    "worker started",
  );

  const handle: WorkerHandle = {
    workerId,
    active,
    async stop() {
      stopping = true;
      stopDrainListener();
      // Slurm jobs run on without this worker: let go of at once, taken up by the next one.
      for (const run of active.values()) run.leave?.();
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
      await mail.stop();
      await webhooks.stop();
      await ctx.redis.del(ctx.keys.worker(workerId)).catch(() => undefined);
      await ctx.redis.del(ctx.keys.slurmQueue(workerId)).catch(() => undefined);
    },
    async kill() {
      stopDrainListener();
      timers.forEach(clearInterval);
      slurm.abandon();
      stopCancels();
      launchers.close();
      await Promise.all([mail.stop(), webhooks.stop()]);
      await bull.close(true);
      // What the killed worker had read but not stored is lost here: its taker re-reads it.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await ctx.redis.del(ctx.keys.worker(workerId)).catch(() => undefined);
    },
  };
  return handle;
}
