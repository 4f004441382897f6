import { and, eq } from "drizzle-orm";
import { runAttempts, runs, type RunRow } from "@/db/schema";
import type { AppContext } from "../context";
import { IF_APPLIED, transitionRun, type TransitionGuard } from "../lifecycle/transition-run";

export interface WorkerIdentity {
  workerId: string;
  host: string;
}

type ClaimContext = Pick<
  AppContext,
  "db" | "runTransaction" | "redis" | "keys" | "log" | "missedChanges"
>;

interface ClaimOptions {
  publicId: string;
  worker: WorkerIdentity;
  workDirPrefix: string;
  /**
   * Called with the run's row as read beside the claim, as soon as that read answers
   * (usually well before the claim's commit): what it says is not claimed yet. The
   * worker prepares the start meanwhile and lets the process run only once the claim
   * has answered (worker/execute-run.ts).
   */
  onRead?: (run: RunRow) => void;
}

export interface ClaimedRun {
  run: RunRow;
  attempt: number;
  workDir: string;
}

/**
 * Exactly-once start: the claim transition (queued → running, attempt + 1) with the
 * attempt's row in the same transaction. Returns null when the run is no longer queued
 * (cancelled meanwhile, or another worker has it), `{ refused }` when `guard` (the run's
 * limits: run-limits.ts) did not let it.
 *
 * This is on the path from submit to process start, so it costs one round trip, the
 * guard's locks and count included: the transaction runs while the run's row is read
 * on another connection.
 */
export async function claimRun(
  ctx: ClaimContext,
  options: ClaimOptions & { guard: TransitionGuard },
): Promise<ClaimedRun | { refused: string } | null>;
export async function claimRun(
  ctx: ClaimContext,
  options: ClaimOptions,
): Promise<ClaimedRun | null>;
export async function claimRun(
  ctx: ClaimContext,
  options: ClaimOptions & { guard?: TransitionGuard },
): Promise<ClaimedRun | { refused: string } | null> {
  const { publicId, worker, workDirPrefix, guard } = options;
  const now = new Date();
  const insertAttempt = {
    sql: `INSERT INTO run_attempts (run_id, attempt, worker_id, host, work_dir, started_at)
          SELECT id, attempt, ?, ?, CONCAT(?, attempt), ? FROM runs WHERE public_id = ? AND ${IF_APPLIED}`,
    params: [worker.workerId, worker.host, workDirPrefix, now, publicId],
  };
  const [claimed, [run]] = await Promise.all([
    transitionRun(ctx, {
      run: { publicId },
      event: "claim",
      to: "running",
      by: "worker",
      details: { host: worker.host, worker: worker.workerId },
      now,
      also: [insertAttempt],
      ...(guard ? { guard } : {}),
    }),
    ctx.db
      .select()
      .from(runs)
      .where(eq(runs.publicId, publicId))
      .then((rows) => {
        // What the caller does with the row never fails the claim (it may have committed).
        try {
          if (rows[0]) options.onRead?.(rows[0]);
        } catch (error) {
          ctx.log.warn(
            { err: error, runId: publicId },
            "preparing the start while claiming failed",
          );
        }
        return rows;
      }),
  ]);
  if (!claimed.applied) return claimed.refused ? { refused: claimed.refused } : null;
  if (!run) return null;
  const { attempt } = claimed;
  return {
    run: { ...run, status: "running", attempt, startedAt: now, updatedAt: now },
    attempt,
    workDir: `${workDirPrefix}${attempt}`,
  };
}

/** Records the process of an attempt once it has started (for lost-worker cleanup). */
export async function recordAttemptProcess(
  ctx: Pick<AppContext, "db">,
  options: { runId: number; attempt: number; pid: number; startedAt: Date },
): Promise<void> {
  await ctx.db
    .update(runAttempts)
    .set({ pid: options.pid, processGroup: options.pid, startedAt: options.startedAt })
    .where(and(eq(runAttempts.runId, options.runId), eq(runAttempts.attempt, options.attempt)));
}

/** Records the Slurm job of an attempt, once sbatch has answered with its id. */
export async function recordAttemptSlurmJob(
  ctx: Pick<AppContext, "db">,
  options: { runId: number; attempt: number; slurmJobId: string; startedAt: Date },
): Promise<void> {
  await ctx.db
    .update(runAttempts)
    .set({ slurmJobId: options.slurmJobId, startedAt: options.startedAt })
    .where(and(eq(runAttempts.runId, options.runId), eq(runAttempts.attempt, options.attempt)));
}
