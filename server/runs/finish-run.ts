import { and, eq } from "drizzle-orm";
import { runAttempts } from "@/db/schema";
import type { RunStatus } from "@/lib/run-status";
import type { AppContext } from "../context";
import { transitionRun } from "./transition-run";

export interface AttemptOutcome {
  /** succeeded / failed / error / cancelled, or queued to hand the run back for a new attempt. */
  status: Extract<RunStatus, "succeeded" | "failed" | "error" | "cancelled" | "queued">;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
  logBytes: number;
}

/**
 * Ends an attempt: records its outcome and moves the run from running/cancelling to
 * the outcome. Returns false when the run had already been moved by someone else.
 */
export async function finishRun(
  ctx: Pick<AppContext, "db">,
  options: { runId: number; attempt: number; outcome: AttemptOutcome },
): Promise<boolean> {
  const { outcome } = options;
  const now = new Date();
  await ctx.db
    .update(runAttempts)
    .set({
      finishedAt: now,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      outcome: outcome.status,
      error: outcome.error,
    })
    .where(and(eq(runAttempts.runId, options.runId), eq(runAttempts.attempt, options.attempt)));
  const handBack = outcome.status === "queued";
  const message = handBack
    ? `attempt ${options.attempt} handed back: ${outcome.error ?? "worker stopping"}`
    : (outcome.error ??
      (outcome.exitCode !== null
        ? `exited with code ${outcome.exitCode}`
        : `ended by ${outcome.signal}`));
  return transitionRun(ctx.db, {
    runId: options.runId,
    from: ["running", "cancelling"],
    to: outcome.status,
    attempt: options.attempt,
    message,
    now,
    set: handBack
      ? { queuedAt: now, logBytes: outcome.logBytes, cancelRequestedAt: null }
      : {
          finishedAt: now,
          exitCode: outcome.exitCode,
          error: outcome.error,
          logBytes: outcome.logBytes,
        },
  });
}
