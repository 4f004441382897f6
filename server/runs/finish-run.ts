import { and, eq } from "drizzle-orm";
import { runAttempts } from "@/db/schema";
import type { RunStatus } from "@/lib/run-status";
import type { AppContext } from "../context";
import { enqueueRun } from "../queue/run-queue";
import { readLogEnd } from "./log-writer";
import { transitionRun } from "./transition-run";

export interface AttemptOutcome {
  /** How the attempt ended; `queued` hands the run back for a new attempt (worker stopping). */
  status: Extract<RunStatus, "succeeded" | "failed" | "error" | "cancelled" | "queued">;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
  /** The log's size; measured from run_logs when unknown (a lost worker). */
  logBytes?: number;
}

export interface FinishRunOptions {
  run: { id: number; publicId: string; maxAttempts: number; priority: number };
  attempt: number;
  outcome: AttemptOutcome;
}

/** Delay before retrying after a platform error: 5 s, 10 s, 20 s, ... at most 5 minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(5000 * 2 ** (attempt - 1), 5 * 60_000);
}

/**
 * Ends an attempt and decides what the run becomes:
 * - a platform error (`error`) with attempts left, or a hand-back → `queued`, and the
 *   next attempt is enqueued (after a backoff for errors);
 * - a run being cancelled → `cancelled`, whatever the attempt's outcome (unless it
 *   succeeded first);
 * - otherwise the outcome: succeeded / failed / error / cancelled.
 * Returns the status the run ended in, or null when somebody else had moved it already.
 */
export async function finishRun(
  ctx: Pick<AppContext, "db" | "queue">,
  options: FinishRunOptions,
): Promise<RunStatus | null> {
  const { run, attempt, outcome } = options;
  const now = new Date();
  const logBytes = outcome.logBytes ?? (await readLogEnd(ctx, run.id));
  await ctx.db
    .update(runAttempts)
    .set({
      finishedAt: now,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      outcome: outcome.status,
      error: outcome.error,
    })
    .where(and(eq(runAttempts.runId, run.id), eq(runAttempts.attempt, attempt)));

  const retry = outcome.status === "error" && attempt < run.maxAttempts;
  if (outcome.status === "queued" || retry) {
    const delayMs = retry ? retryDelayMs(attempt) : 0;
    const why = retry
      ? `${outcome.error ?? "platform error"}; attempt ${attempt + 1} of ${run.maxAttempts} in ${delayMs / 1000} s`
      : `attempt ${attempt} handed back: ${outcome.error ?? "worker stopping"}`;
    const requeued = await transitionRun(ctx.db, {
      runId: run.id,
      from: ["running"],
      to: "queued",
      attempt,
      message: why,
      now,
      set: { queuedAt: now, logBytes },
    });
    if (requeued) {
      await enqueueRun(ctx.queue, {
        runId: run.publicId,
        attempt: attempt + 1,
        priority: run.priority,
        delayMs,
      }).catch(
        () => undefined, // beat re-enqueues what MySQL holds as queued
      );
      return "queued";
    }
  }
  const cancelling = outcome.status !== "succeeded";
  const to: RunStatus = outcome.status === "queued" ? "cancelled" : outcome.status;
  const message =
    outcome.error ??
    (outcome.exitCode !== null
      ? `exited with code ${outcome.exitCode}`
      : `ended by ${outcome.signal ?? "a signal"}`);
  const set = { finishedAt: now, exitCode: outcome.exitCode, error: outcome.error, logBytes };
  if (
    await transitionRun(ctx.db, {
      runId: run.id,
      from: ["running"],
      to,
      attempt,
      message,
      now,
      set,
    })
  )
    return to;
  // The run was being cancelled meanwhile: the cancel wins unless the attempt succeeded.
  const final: RunStatus = cancelling ? "cancelled" : "succeeded";
  const moved = await transitionRun(ctx.db, {
    runId: run.id,
    from: ["cancelling"],
    to: final,
    attempt,
    message,
    now,
    set,
  });
  return moved ? final : null;
}
