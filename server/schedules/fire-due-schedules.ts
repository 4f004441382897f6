import { and, asc, eq, lte } from "drizzle-orm";
import { schedules, users } from "@/db/schema";
import type { AppContext } from "../context";
import { fireSchedule, type FireOutcome } from "./fire-schedule";

/** Schedules handled per tick; the rest wait for the next tick (oldest fire first). */
const BATCH = 100;

export interface FireSummary {
  fired: { scheduleId: string; runId: string; fireAt: string; created: boolean }[];
  skipped: { scheduleId: string; fireAt: string }[];
  failed: { scheduleId: string; error: string }[];
}

/**
 * Called by the active beat every tick: fires every enabled schedule whose
 * next_fire_at has come. Exactly one run per fire does not depend on there being one
 * beat: each fire's run carries the idempotency key `schedule:<id>:<fire time>`, unique
 * per owner, so two beats (or a beat restarted mid-fire) racing on one fire make one
 * run. A missed fire older than eight beat intervals (at least two minutes) counts as
 * late (policy `skip`).
 * One schedule's trouble never stops the others, nor the beat.
 */
export async function fireDueSchedules(
  ctx: AppContext,
  options: { now?: Date } = {},
): Promise<FireSummary> {
  const now = options.now ?? new Date();
  // Late enough to cover a standby beat taking over from a crashed one (lease: 3
  // intervals) plus a couple of ticks, and never less than two minutes.
  const lateAfterMs = Math.max(ctx.config.beatIntervalSeconds * 8 * 1000, 120_000);
  const due = await ctx.db
    .select({
      schedule: schedules,
      owner: {
        id: users.id,
        username: users.username,
        role: users.role,
        disabledAt: users.disabledAt,
      },
    })
    .from(schedules)
    .innerJoin(users, eq(users.id, schedules.userId))
    .where(and(eq(schedules.enabled, true), lte(schedules.nextFireAt, now)))
    .orderBy(asc(schedules.nextFireAt))
    .limit(BATCH);
  const summary: FireSummary = { fired: [], skipped: [], failed: [] };
  for (const row of due) {
    const scheduleId = row.schedule.publicId;
    let outcome: FireOutcome;
    try {
      outcome = await fireSchedule(ctx, row, { now, lateAfterMs });
    } catch (error) {
      ctx.log.error({ err: error, scheduleId }, "schedule fire failed; retried next tick");
      summary.failed.push({ scheduleId, error: "internal error" });
      continue;
    }
    if (outcome.kind === "fired") {
      const { runId, created } = outcome;
      summary.fired.push({ scheduleId, runId, fireAt: outcome.fireAt.toISOString(), created });
      if (created) ctx.log.info({ scheduleId, runId, fireAt: outcome.fireAt }, "schedule fired");
    } else if (outcome.kind === "skipped") {
      summary.skipped.push({ scheduleId, fireAt: outcome.fireAt.toISOString() });
      ctx.log.warn({ scheduleId, fireAt: outcome.fireAt }, "skipped a missed schedule fire");
    } else if (outcome.kind === "failed") {
      summary.failed.push({ scheduleId, error: outcome.error });
      ctx.log.warn({ scheduleId, error: outcome.error }, "schedule fire made no run");
    }
  }
  return summary;
}
