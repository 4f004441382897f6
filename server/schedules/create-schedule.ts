import { newRunId } from "@/lib/ids";
import { canSubmit } from "@/lib/roles";
import { schedules } from "@/db/schema";
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
import { ZCreateScheduleRequest } from "@/lib/contract/schedules";
import { parseJsonDocument } from "../http/json-body";
import { toScheduleView, type ScheduleView } from "./schedule-view";

/**
 * Creates a schedule owned by the caller (POST /api/v1/schedules). Everything is
 * checked before anything is stored: the cron expression (422 at `/cron`, naming the
 * field), the time zone (422 at `/timeZone`), the pipeline (422 at `/pipeline`) and the
 * config against the pipeline version's schema (422 with JSON Pointers under
 * `/config`). 403 for viewers. The config text is stored exactly as sent.
 */
export async function createSchedule(
  ctx: Pick<AppContext, "db" | "caches" | "log" | "config">,
  options: { principal: Principal; bodyText: string; now?: Date; ip?: string },
): Promise<ScheduleView> {
  const { principal } = options;
  if (!canSubmit(principal.role)) {
    throw new AppError("FORBIDDEN", `The role "${principal.role}" cannot create schedules`);
  }
  const doc = parseJsonDocument(options.bodyText, ZCreateScheduleRequest, SCHEDULE_BODY);
  const { value } = doc;
  const timing = checkTiming(value, doc);
  const pipeline = normalizePipelineRef(value.pipeline);
  await checkScheduleTarget(ctx, { pipeline, config: value.config }, doc, principal.userId);
  const now = options.now ?? new Date();
  const row = {
    publicId: newRunId(now.getTime()),
    name: value.name,
    userId: principal.userId,
    pipeline,
    config: doc.textAt("/config") ?? JSON.stringify(value.config),
    cron: timing.cron,
    timeZone: timing.timeZone,
    enabled: value.enabled,
    missedPolicy: value.missedPolicy,
    nextFireAt: value.enabled ? nextFireAfter(timing.cron, timing.timeZone, now) : null,
    lastFireAt: null,
    lastRunId: null,
    lastError: null,
    createdAt: now,
    updatedAt: null,
  };
  const [result] = await ctx.db.insert(schedules).values(row);
  await recordAudit(ctx, {
    action: "schedule.create",
    actor: principal,
    ip: options.ip ?? null,
    target: { type: "schedule", id: row.publicId },
    details: { name: row.name, pipeline, cron: row.cron, enabled: row.enabled },
  });
  return toScheduleView({
    schedule: { ...row, id: result.insertId },
    owner: principal.username,
    lastRun: null,
  });
}
