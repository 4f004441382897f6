import { and, eq, sql } from "drizzle-orm";
import type { ResultSetHeader } from "mysql2";
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
 *
 * This is on the path from submit to process start, so it costs one round trip: the
 * transaction (its inserts only happen when the UPDATE changed the row: ROW_COUNT() = 1
 * chains through the statements) runs while the run's row is read on another connection.
 */
export async function claimRun(
  ctx: Pick<AppContext, "db" | "runTransaction">,
  options: { publicId: string; worker: WorkerIdentity; workDirPrefix: string },
): Promise<ClaimedRun | null> {
  const { publicId, worker, workDirPrefix } = options;
  const now = new Date();
  const update = ctx.db
    .update(runs)
    .set({
      status: "running",
      attempt: sql`${runs.attempt} + 1`,
      startedAt: now,
      finishedAt: null,
      exitCode: null,
      error: null,
      progressPercent: null,
      progressMessage: null,
      updatedAt: now,
    })
    .where(and(eq(runs.publicId, publicId), eq(runs.status, "queued")))
    .toSQL();
  const insertAttempt = {
    sql: `INSERT INTO run_attempts (run_id, attempt, worker_id, host, work_dir, started_at)
          SELECT id, attempt, ?, ?, CONCAT(?, attempt), ? FROM runs WHERE public_id = ? AND ROW_COUNT() = 1`,
    params: [worker.workerId, worker.host, workDirPrefix, now, publicId],
  };
  const insertEvent = {
    sql: `INSERT INTO run_events (run_id, attempt, from_status, to_status, message, created_at)
          SELECT id, attempt, 'queued', 'running', CONCAT('attempt ', attempt, ' started on ', ?), ?
          FROM runs WHERE public_id = ? AND ROW_COUNT() = 1`,
    params: [`${worker.host} (${worker.workerId})`, now, publicId],
  };
  const readAttempt = { sql: "SELECT attempt FROM runs WHERE public_id = ?", params: [publicId] };
  const [results, [run]] = await Promise.all([
    ctx.runTransaction([update, insertAttempt, insertEvent, readAttempt]),
    ctx.db.select().from(runs).where(eq(runs.publicId, publicId)),
  ]);
  const updated = results[0] as ResultSetHeader;
  const attempt = Number((results[3] as { attempt: number }[])[0]?.attempt);
  if (updated.affectedRows !== 1 || !run) return null;
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
