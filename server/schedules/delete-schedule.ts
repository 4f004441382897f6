import { eq } from "drizzle-orm";
import { schedules } from "@/db/schema";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { findScheduleFor } from "./find-schedule-for";

/**
 * Deletes a schedule (DELETE /api/v1/schedules/{id}); it never fires again. The runs
 * it made stay, with their schedule id and label. 404/403 as findScheduleFor.
 */
export async function deleteSchedule(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; scheduleId: string },
): Promise<void> {
  const { schedule } = await findScheduleFor(ctx, { ...options, access: "manage" });
  await ctx.db.delete(schedules).where(eq(schedules.id, schedule.id));
}
