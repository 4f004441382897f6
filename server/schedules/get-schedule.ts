import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { findScheduleFor } from "./find-schedule-for";
import { toScheduleView, type ScheduleView } from "./schedule-view";

/** One schedule (GET /api/v1/schedules/{id}): 404 when unknown, 403 when not the caller's to see. */
export async function getSchedule(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; scheduleId: string },
): Promise<ScheduleView> {
  return toScheduleView(await findScheduleFor(ctx, { ...options, access: "read" }));
}
