import { and, eq } from "drizzle-orm";
import { runAttempts, runs, type RunRow } from "@/db/schema";
import type { AppContext } from "../context";

export interface WorkerIdentity {
  workerId: string;
  host: string;
}

export interface ClaimedRun {
  run: RunRow;
  attempt: number;
  workDir: string;
}

/**
 * Exactly-once start: moves the run queued → running with a conditional UPDATE and
 * records the attempt and its event in the same transaction. Returns null when the
 * run is no longer queued (cancelled meanwhile, or another worker has it).
 * Two round trips: read the run, then one transaction whose inserts only happen when
 * the UPDATE changed the row (ROW_COUNT() = 1 chains through the statements).
 */
export async function claimRun(
  ctx: Pick<AppContext, "db" | "runTransaction">,
  options: { publicId: string; worker: WorkerIdentity; workDirFor: (attempt: number) => string },
): Promise<ClaimedRun | null> {
  const [run] = await ctx.db.select().from(runs).where(eq(runs.publicId, options.publicId));
  if (!run || run.status !== "queued") return null;
  const now = new Date();
  const attempt = run.attempt + 1;
  const workDir = options.workDirFor(attempt);
  const update = ctx.db
    .update(runs)
    .set({
      status: "running",
      attempt,
      startedAt: now,
      finishedAt: null,
      exitCode: null,
      error: null,
      progressPercent: null,
      progressMessage: null,
      updatedAt: now,
    })
    .where(and(eq(runs.id, run.id), eq(runs.status, "queued"), eq(runs.attempt, run.attempt)))
    .toSQL();
  const insertAttempt = {
    sql: "INSERT INTO run_attempts (run_id, attempt, worker_id, host, work_dir, started_at) SELECT ?, ?, ?, ?, ?, ? FROM DUAL WHERE ROW_COUNT() = 1",
    params: [run.id, attempt, options.worker.workerId, options.worker.host, workDir, now],
  };
  const insertEvent = {
    sql: "INSERT INTO run_events (run_id, attempt, from_status, to_status, message, created_at) SELECT ?, ?, 'queued', 'running', ?, ? FROM DUAL WHERE ROW_COUNT() = 1",
    params: [
      run.id,
      attempt,
      `attempt ${attempt} started on ${options.worker.host} (${options.worker.workerId})`,
      now,
    ],
  };
  const [updated] = await ctx.runTransaction([update, insertAttempt, insertEvent]);
  if (updated?.affectedRows !== 1) return null;
  return {
    run: { ...run, status: "running", attempt, startedAt: now, updatedAt: now },
    attempt,
    workDir,
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
