import { scanWorkers } from "@/server/health/heartbeats";
import { LogWriter } from "@/server/runs/log-writer";
import { outcomeRecorder, superviseProcess, type ExecuteRunDeps } from "./execute-run";
import { attachSlurmJob } from "./executors/slurm-executor";
import {
  findSlurmAttempts,
  logPosition,
  moveSlurmAttempt,
} from "@/server/runs/adopt-slurm-attempts";
import { slurmStateReporter } from "./start-pipeline-process";
import type { RunPaths } from "./run-command";
import path from "node:path";

/** An attempt younger than this may not be in its worker's heartbeat yet (as the beat's). */
const GRACE_MS = 15_000;

/**
 * A worker takes up watching the Slurm jobs of workers that died: a run running (or
 * being cancelled) whose attempt has a Slurm job and whose worker sends no heartbeat (or
 * is this worker, restarted under the same id, without it) is moved to this worker in
 * one conditional UPDATE (two workers never both take it), then supervised as if this
 * worker had submitted it: its output files are tailed from where the log stands, and
 * the watcher decides its end (exit-code file, Slurm's state, or "lost by Slurm" once
 * Slurm no longer knows it). The job is never cancelled because its worker went away.
 * Returns the public ids of the runs taken up.
 */
export async function adoptSlurmRuns(
  deps: ExecuteRunDeps,
  options: { now?: Date } = {},
): Promise<string[]> {
  const { ctx, worker, slurm } = deps;
  if (!slurm) return [];
  const now = options.now ?? new Date();
  const candidates = await findSlurmAttempts(ctx, {
    workerId: worker.workerId,
    startedBefore: new Date(now.getTime() - GRACE_MS),
  });
  if (candidates.length === 0) return [];
  const alive = new Set((await scanWorkers(ctx)).map((w) => w.id));
  const adopted: string[] = [];
  for (const run of candidates) {
    const mine = run.workerId === worker.workerId;
    if (mine ? deps.active.has(run.publicId) : alive.has(run.workerId)) continue;
    const pipeline = deps.pipelines.get(`${run.pipelineName}@${run.pipelineVersion}`);
    if (!pipeline || !run.slurmJobId) continue;
    const moved = await moveSlurmAttempt(ctx, {
      runId: run.id,
      attempt: run.attempt,
      from: run.workerId,
      to: worker,
    });
    if (!moved || deps.active.has(run.publicId)) continue;
    // In this worker's heartbeat from now on: the beat no longer takes it for lost.
    deps.active.set(run.publicId, { cancel: () => undefined, handBack: () => undefined });
    adopted.push(run.publicId);
    void watchAdopted(deps, run, pipeline, run.slurmJobId).catch((error: unknown) => {
      deps.active.delete(run.publicId);
      ctx.log.error({ err: error, runId: run.publicId }, "could not take up the Slurm job");
    });
  }
  return adopted;
}

async function watchAdopted(
  deps: ExecuteRunDeps,
  run: {
    id: number;
    publicId: string;
    userId: number;
    status: string;
    maxAttempts: number;
    priority: number;
    attempt: number;
    workerId: string;
    workDir: string;
  },
  pipeline: Parameters<typeof superviseProcess>[1]["pipeline"],
  jobId: string,
): Promise<void> {
  const { ctx, worker } = deps;
  const { attempt } = run;
  const [stdout, stderr] = await Promise.all([
    logPosition(ctx, run.id, attempt, "stdout"),
    logPosition(ctx, run.id, attempt, "stderr"),
  ]);
  const log = new LogWriter(ctx, { id: run.id, publicId: run.publicId, attempt });
  log.write(
    "system",
    `[runport] worker ${worker.workerId} took up watching Slurm job ${jobId} (worker ${run.workerId} is gone)\n`,
  );
  const child = attachSlurmJob(
    {
      jobId,
      workDir: run.workDir,
      start: { stdout, stderr },
      onState: slurmStateReporter(ctx, run, log),
    },
    deps.slurm!,
  );
  const paths: RunPaths = {
    pipelineDir: pipeline.dir,
    workDir: run.workDir,
    configPath: path.join(run.workDir, "config.json"),
    outputsDir: path.join(run.workDir, "outputs"),
    runId: run.publicId,
  };
  const finish = outcomeRecorder(ctx, { run, attempt, log });
  const supervised = superviseProcess(deps, { run, attempt, pipeline, child, log, finish, paths });
  // A cancel asked while no worker watched it: carried out now.
  if (run.status === "cancelling") deps.active.get(run.publicId)?.cancel();
  await supervised;
}
