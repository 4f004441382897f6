import { createHash } from "node:crypto";
import { and, eq, isNull, lte, or } from "drizzle-orm";
import {
  schedules,
  type PipelineRow,
  type RunWarning,
  type ScheduleRow,
  type User,
} from "@/db/schema";
import { canSubmit } from "@/lib/roles";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { createRun } from "../runs/create-run";
import { checkScheduleTarget, scheduleConfigText } from "./check-schedule";
import { latestFireAtOrBefore, nextFireAfter } from "./cron";

/** A due schedule and the owner it submits as. */
export interface DueSchedule {
  schedule: ScheduleRow;
  owner: Pick<User, "id" | "username" | "role" | "disabledAt">;
}

export type FireOutcome =
  | { kind: "fired"; fireAt: Date; runId: string; created: boolean }
  | { kind: "skipped"; fireAt: Date }
  | { kind: "failed"; fireAt: Date; error: string }
  | { kind: "none" };

/** The key that makes one fire one run: unique per owner in `runs`. */
export function fireKey(schedulePublicId: string, fireAt: Date): string {
  return `schedule:${schedulePublicId}:${fireAt.toISOString()}`;
}

/**
 * Moves next_fire_at on, only if it is still what this beat read: a second beat that
 * handled the same fire, or a person who changed the schedule meanwhile, wins.
 */
async function advance(
  ctx: Pick<AppContext, "db">,
  schedule: ScheduleRow,
  next: Date | null,
  lastError: string | null,
): Promise<void> {
  await ctx.db
    .update(schedules)
    .set({ nextFireAt: next, ...(lastError === null ? {} : { lastError }) })
    .where(and(eq(schedules.id, schedule.id), eq(schedules.nextFireAt, schedule.nextFireAt!)));
}

function ago(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

function ownerProblem(owner: DueSchedule["owner"]): string | null {
  if (owner.disabledAt) return `the owner "${owner.username}" is disabled`;
  if (!canSubmit(owner.role))
    return `the owner "${owner.username}" has the role ${owner.role}, which cannot submit runs`;
  return null;
}

function describeFailure(error: unknown): string {
  if (!(error instanceof AppError)) throw error; // a database error: retried next tick
  // A config's problems say where; an unknown pipeline's message says it all.
  const items =
    error.code === "VALIDATION_FAILED"
      ? (error.errors ?? []).slice(0, 5).map((e) => `${e.path} ${e.message}`)
      : [];
  return [error.message, ...items].join("; ");
}

/**
 * Handles one due schedule: the latest fire at or before `now` makes one run (created
 * with the fire's idempotency key, so a second beat or a restarted one replays it
 * instead of making another). Policy `skip` drops that fire when it is older than
 * `lateAfterMs`; `run_once` runs it however late. A pipeline that is gone, a config
 * that no longer validates or an owner who may no longer submit is recorded in
 * last_error, and the schedule waits for its next fire. Database errors propagate
 * (next_fire_at unchanged: the next tick tries again).
 */
export async function fireSchedule(
  ctx: AppContext,
  due: DueSchedule,
  options: { now: Date; lateAfterMs: number },
): Promise<FireOutcome> {
  const { schedule, owner } = due;
  const { now } = options;
  const fireAt = latestFireAtOrBefore(schedule.cron, schedule.timeZone, now);
  const next = nextFireAfter(schedule.cron, schedule.timeZone, now);
  if (!fireAt || (schedule.nextFireAt && fireAt < schedule.nextFireAt)) {
    await advance(ctx, schedule, next, null);
    return { kind: "none" };
  }
  const late = now.getTime() - fireAt.getTime();
  if (schedule.missedPolicy === "skip" && late > options.lateAfterMs) {
    const error = `Skipped the fire of ${fireAt.toISOString()}: missed by ${ago(late)} (missed-fire policy: skip)`;
    await advance(ctx, schedule, next, error);
    return { kind: "skipped", fireAt };
  }
  let failure = ownerProblem(owner);
  let checked: { pipeline: PipelineRow; warnings: RunWarning[] } | null = null;
  if (!failure) {
    const target = { pipeline: schedule.pipeline, config: JSON.parse(schedule.config) as unknown };
    checked = await checkScheduleTarget(ctx, target).catch((error: unknown) => {
      failure = describeFailure(error);
      return null;
    });
  }
  const pipeline = checked?.pipeline ?? null;
  const key = fireKey(schedule.publicId, fireAt);
  // The beat acts for the owner; `via` says no password was shown (createRun ignores it).
  const principal: Principal = {
    userId: owner.id,
    username: owner.username,
    role: owner.role,
    via: "token",
  };
  const filled = pipeline ? await scheduleConfigText(ctx, pipeline, schedule.config) : null;
  const made =
    pipeline && filled
      ? await createRun(ctx, {
          principal,
          pipeline,
          configText: filled.configText,
          name: schedule.name,
          labels: { schedule: schedule.publicId },
          hold: false,
          trigger: "schedule",
          idempotency: { key, requestHash: createHash("sha256").update(key).digest("hex") },
          scheduleId: schedule.id,
          warnings: checked?.warnings ?? [],
        }).catch((error: unknown) => {
          // Refused (say, its key taken by another body): this fire fails, the next one comes.
          failure = describeFailure(error);
          return null;
        })
      : null;
  if (!made) {
    const error = `No run for the fire of ${fireAt.toISOString()}: ${failure}`.slice(0, 1000);
    await advance(ctx, schedule, next, error);
    return { kind: "failed", fireAt, error };
  }
  const { run, created } = made;
  await ctx.db
    .update(schedules)
    .set({ lastFireAt: fireAt, lastRunId: run.id, lastError: null })
    .where(
      and(
        eq(schedules.id, schedule.id),
        or(isNull(schedules.lastFireAt), lte(schedules.lastFireAt, fireAt)),
      ),
    );
  await advance(ctx, schedule, next, null);
  return { kind: "fired", fireAt, runId: run.publicId, created };
}
