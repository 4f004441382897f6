import { eq } from "drizzle-orm";
import { runs, schedules, users, type ScheduleRow } from "@/db/schema";
import type { RunStatus } from "@/lib/run-status";
import { describeCron } from "@/lib/schedules/describe-cron";
import type { ScheduleList, ScheduleView } from "@/lib/contract/schedules";
import type { AppContext } from "../context";

export type { ScheduleList, ScheduleView };

/** A schedule with its owner's name and its last run, as the views need them. */
export interface ScheduleWithOwner {
  schedule: ScheduleRow;
  owner: string;
  lastRun: { publicId: string; status: RunStatus } | null;
}

/** The base query of every schedule read: the owner and the last run joined in. */
export function selectSchedules(ctx: Pick<AppContext, "db">) {
  return ctx.db
    .select({
      schedule: schedules,
      owner: users.username,
      lastRunPublicId: runs.publicId,
      lastRunStatus: runs.status,
    })
    .from(schedules)
    .innerJoin(users, eq(users.id, schedules.userId))
    .leftJoin(runs, eq(runs.id, schedules.lastRunId));
}

type SelectedRow = Awaited<ReturnType<typeof selectSchedules>>[number];

export function withOwner(row: SelectedRow): ScheduleWithOwner {
  return {
    schedule: row.schedule,
    owner: row.owner,
    lastRun:
      row.lastRunPublicId && row.lastRunStatus
        ? { publicId: row.lastRunPublicId, status: row.lastRunStatus }
        : null,
  };
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function parseConfig(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function toScheduleView({ schedule, owner, lastRun }: ScheduleWithOwner): ScheduleView {
  const self = `/api/v1/schedules/${schedule.publicId}`;
  return {
    id: schedule.publicId,
    name: schedule.name,
    owner,
    pipeline: schedule.pipeline,
    config: parseConfig(schedule.config),
    cron: schedule.cron,
    description: describeCron(schedule.cron) ?? schedule.cron,
    timeZone: schedule.timeZone,
    enabled: schedule.enabled,
    missedPolicy: schedule.missedPolicy,
    nextFireAt: iso(schedule.nextFireAt),
    lastFireAt: iso(schedule.lastFireAt),
    lastRun: lastRun
      ? {
          id: lastRun.publicId,
          status: lastRun.status,
          links: { self: `/api/v1/runs/${lastRun.publicId}`, web: `/runs/${lastRun.publicId}` },
        }
      : null,
    lastError: schedule.lastError,
    createdAt: schedule.createdAt.toISOString(),
    updatedAt: iso(schedule.updatedAt),
    links: {
      self,
      runs: `/api/v1/runs?label=${encodeURIComponent(`schedule:${schedule.publicId}`)}`,
    },
  };
}
