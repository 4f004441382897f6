import { and, eq } from "drizzle-orm";
import { runAttempts, runEvents, runs, type RunRow } from "@/db/schema";
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
 */
export async function claimRun(
  ctx: Pick<AppContext, "db">,
  options: { publicId: string; worker: WorkerIdentity; workDirFor: (attempt: number) => string },
): Promise<ClaimedRun | null> {
  const now = new Date();
  return ctx.db.transaction(async (tx) => {
    const [run] = await tx
      .select()
      .from(runs)
      .where(eq(runs.publicId, options.publicId))
      .for("update");
    if (!run || run.status !== "queued") return null;
    const attempt = run.attempt + 1;
    const workDir = options.workDirFor(attempt);
    const [result] = await tx
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
      .where(and(eq(runs.id, run.id), eq(runs.status, "queued")));
    if (result.affectedRows !== 1) return null;
    await tx.insert(runAttempts).values({
      runId: run.id,
      attempt,
      workerId: options.worker.workerId,
      host: options.worker.host,
      workDir,
      startedAt: now,
    });
    await tx.insert(runEvents).values({
      runId: run.id,
      attempt,
      fromStatus: "queued",
      toStatus: "running",
      message: `attempt ${attempt} started on ${options.worker.host} (${options.worker.workerId})`,
      createdAt: now,
    });
    return { run: { ...run, status: "running", attempt, startedAt: now }, attempt, workDir };
  });
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
