import type { RunRow } from "@/db/schema";
import type { RunStatus } from "@/lib/run-status";
import type { Principal } from "../auth/principal";
import { auditStatement } from "../audit/record-audit";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { findRunFor } from "../runs/find-run-for";
import { transitionFrom, USER_EVENTS, type TargetOf } from "./run-transitions";
import { IF_APPLIED, transitionRun } from "./transition-run";

/** The 409 a user gets for `event` on a run in `status` (the table lists no transition). */
export function refusal(event: keyof typeof USER_EVENTS, status: RunStatus): AppError {
  return new AppError("CONFLICT", USER_EVENTS[event].refusal.replace("{status}", status));
}

/**
 * A user's request to move a run (cancel, release): loads the run the caller may manage
 * (404, 403), then applies the transition the table lists for the event from the run's
 * state; where there is none, an `unchanged` state answers as it is and any other is a
 * 409. A run that moved meanwhile is read again (three tries). Returns the run as read,
 * the state it is in now and whether this request moved it. When the caller is not the
 * run's owner, the audit row is part of the transition's transaction: it exists exactly
 * when the transition applied.
 */
export async function transitionRunForUser(
  ctx: Pick<AppContext, "db" | "runTransaction" | "redis" | "keys" | "log" | "missedChanges">,
  options: { principal: Principal; runId: string; event: "cancel" | "release"; ip?: string },
): Promise<{ run: RunRow; status: RunStatus; applied: boolean }> {
  const { principal, event } = options;
  const unchanged: readonly RunStatus[] = USER_EVENTS[event].unchanged;
  for (let tries = 0; tries < 3; tries++) {
    const { run, submitter } = await findRunFor(ctx, {
      principal,
      runId: options.runId,
      access: "manage",
    });
    const transition = transitionFrom(event, run.status);
    if (!transition && unchanged.includes(run.status)) {
      return { run, status: run.status, applied: false };
    }
    if (!transition) throw refusal(event, run.status);
    const result = await transitionRun(ctx, {
      run,
      event,
      to: transition.to as TargetOf<typeof event>,
      by: "user",
      actorUserId: principal.userId,
      details: { user: principal.username },
      also:
        run.userId === principal.userId
          ? []
          : [
              auditStatement(
                {
                  action: `run.${event}`,
                  actor: principal,
                  ip: options.ip ?? null,
                  target: { type: "run", id: run.publicId },
                  details: { owner: submitter, from: run.status, to: transition.to },
                },
                IF_APPLIED,
              ),
            ],
    });
    if (result.applied) return { run, status: transition.to, applied: true };
  }
  throw new AppError("CONFLICT", `The run changed state while trying to ${event} it; try again`);
}
