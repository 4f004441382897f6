import { and, eq } from "drizzle-orm";
import { runAttempts } from "@/db/schema";
import type { RunStatus } from "@/lib/run-status";
import type { AppContext } from "../context";
import { enqueueRun } from "../queue/run-queue";
import { transitionRun } from "../lifecycle/transition-run";
import { readLogEnd } from "./log-writer";

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
  /** Who ends the attempt: its worker (default), or the beat for a lost worker. */
  by?: "worker" | "beat";
}

/** Delay before retrying after a platform error: 5 s, 10 s, 20 s, ... at most 5 minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(5000 * 2 ** (attempt - 1), 5 * 60_000);
}

/**
 * Ends an attempt (of the run's current attempt only) and decides what the run becomes:
 * - a platform error (`error`) with attempts left, or a hand-back → `queued`, and the
 *   next attempt is enqueued (after a backoff for errors);
 * - a run being cancelled → `cancelled`, whatever the attempt's outcome (unless it
 *   succeeded first);
 * - otherwise the outcome: succeeded / failed / error / cancelled.
 * The events are the worker's requeue, hand-back and exit, or the beat's lose (see
 * server/lifecycle/run-transitions.ts). Returns the status the run ended in, or null
 * when somebody else had moved it already.
 */
export async function finishRun(
  ctx: Pick<
    AppContext,
    "db" | "runTransaction" | "queue" | "redis" | "keys" | "log" | "missedChanges"
  >,
  options: FinishRunOptions,
): Promise<RunStatus | null> {
  const { run, attempt, outcome } = options;
  const by = options.by ?? "worker";
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
  const delayMs = retry ? retryDelayMs(attempt) : 0;
  const requeueReason = retry ? "platform error" : "worker stopping";
  const exitReason =
    outcome.exitCode !== null
      ? `exited with code ${outcome.exitCode}`
      : `ended by ${outcome.signal ?? "a signal"}`;
  // A hand-back that cannot requeue has met a cancel. If the run was being cancelled
  // meanwhile, the cancel wins unless the attempt succeeded: `cancelled` is tried last.
  const ended = outcome.status === "queued" ? "cancelled" : outcome.status;
  const targets = [
    ...(outcome.status === "queued" || retry ? (["queued"] as const) : []),
    ended,
    ...(ended === "succeeded" || ended === "cancelled" ? [] : (["cancelled"] as const)),
  ];
  for (const to of targets) {
    const requeue = to === "queued";
    const moved = await transitionRun(ctx, {
      run,
      by,
      attempt,
      now,
      event: by === "beat" ? "lose" : requeue ? (retry ? "requeue" : "hand-back") : "exit",
      to,
      values: { exitCode: outcome.exitCode, error: outcome.error, logBytes },
      details: {
        reason: outcome.error ?? (requeue ? requeueReason : exitReason),
        next: attempt + 1,
        max: run.maxAttempts,
        delay: delayMs / 1000,
      },
    });
    if (!moved.applied) continue;
    if (requeue) {
      const next = { runId: run.publicId, attempt: attempt + 1, priority: run.priority, delayMs };
      // The beat re-enqueues what MySQL holds as queued.
      await enqueueRun(ctx.queue, next).catch(() => undefined);
    }
    return to;
  }
  return null;
}
