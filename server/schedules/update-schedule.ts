import { eq } from "drizzle-orm";
import { schedules, type ScheduleRow } from "@/db/schema";
import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import {
  checkScheduleTarget,
  checkTiming,
  normalizePipelineRef,
  SCHEDULE_BODY,
} from "./check-schedule";
import { nextFireAfter } from "./cron";
import { findScheduleFor } from "./find-schedule-for";
import { ZUpdateScheduleRequest } from "@/lib/contract/schedules";
import { parseJsonDocument } from "../http/json-body";
import { toScheduleView, type ScheduleView } from "./schedule-view";

/** What a PATCH may change: the audit names those that did (never the config's text). */
const EDITABLE = [
  "name",
  "pipeline",
  "config",
  "cron",
  "timeZone",
  "enabled",
  "missedPolicy",
] as const satisfies readonly (keyof ScheduleRow)[];

/**
 * Changes a schedule (PATCH /api/v1/schedules/{id}): any of name, pipeline, config,
 * cron, timeZone, enabled, missedPolicy. What changed is checked as on create (422 with
 * JSON Pointers); a new pipeline is checked against the stored config and the other
 * way round. A new cron or time zone, or enabling, computes the next fire from now (a
 * re-enabled schedule does not catch up on the fires it missed while disabled);
 * disabling clears it. 404/403 as findScheduleFor; 403 when somebody other than the
 * owner changes the pipeline or config.
 */
export async function updateSchedule(
  ctx: Pick<AppContext, "db" | "caches" | "log" | "config">,
  options: { principal: Principal; scheduleId: string; bodyText: string; now?: Date; ip?: string },
): Promise<ScheduleView> {
  const found = await findScheduleFor(ctx, { ...options, access: "manage" });
  const current = found.schedule;
  const doc = parseJsonDocument(options.bodyText, ZUpdateScheduleRequest, SCHEDULE_BODY);
  const { value } = doc;
  const changes: Partial<ScheduleRow> = {};
  if (value.name !== undefined) changes.name = value.name;
  if (value.missedPolicy !== undefined) changes.missedPolicy = value.missedPolicy;
  if (value.pipeline !== undefined || value.config !== undefined) {
    // Runs are submitted as the owner: what they run is the owner's to decide. Others
    // who manage schedules may rename, retime, disable or delete it.
    if (current.userId !== options.principal.userId) {
      throw new AppError(
        "FORBIDDEN",
        "Only the schedule's owner may change its pipeline or config (its runs are submitted as the owner)",
      );
    }
    const pipeline = normalizePipelineRef(value.pipeline ?? current.pipeline);
    const config: unknown = value.config ?? JSON.parse(current.config);
    // Positions only help when the config is in this request's body.
    await checkScheduleTarget(
      ctx,
      { pipeline, config },
      value.config ? doc : undefined,
      current.userId,
    );
    changes.pipeline = pipeline;
    if (value.config !== undefined)
      changes.config = doc.textAt("/config") ?? JSON.stringify(value.config);
  }
  const timing =
    value.cron !== undefined || value.timeZone !== undefined
      ? checkTiming(
          { cron: value.cron ?? current.cron, timeZone: value.timeZone ?? current.timeZone },
          doc,
        )
      : { cron: current.cron, timeZone: current.timeZone };
  const timingChanged = timing.cron !== current.cron || timing.timeZone !== current.timeZone;
  const enabled = value.enabled ?? current.enabled;
  const now = options.now ?? new Date();
  if (timingChanged || enabled !== current.enabled) {
    Object.assign(changes, timing, { enabled });
    changes.nextFireAt = enabled ? nextFireAfter(timing.cron, timing.timeZone, now) : null;
  }
  if (Object.keys(changes).length > 0) {
    // A change answers the last error (a fixed config, a new pipeline): start afresh.
    Object.assign(changes, { updatedAt: now, lastError: null });
    await ctx.db.update(schedules).set(changes).where(eq(schedules.id, current.id));
    const fields = EDITABLE.filter((f) => f in changes && changes[f] !== current[f]);
    if (fields.length > 0) {
      await recordAudit(ctx, {
        action: "schedule.update",
        actor: options.principal,
        ip: options.ip ?? null,
        target: { type: "schedule", id: current.publicId },
        details: { name: current.name, owner: found.owner, fields },
      });
    }
  }
  return toScheduleView({ ...found, schedule: { ...current, ...changes } });
}
