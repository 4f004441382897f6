import { eq } from "drizzle-orm";
import { schedules } from "@/db/schema";
import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { findScheduleFor } from "./find-schedule-for";

/**
 * Deletes a schedule (DELETE /api/v1/schedules/{id}); it never fires again. The runs
 * it made stay, with their schedule id and label. 404/403 as findScheduleFor.
 */
export async function deleteSchedule(
  ctx: Pick<AppContext, "db" | "log">,
  options: { principal: Principal; scheduleId: string; ip?: string },
): Promise<void> {
  const { schedule, owner } = await findScheduleFor(ctx, { ...options, access: "manage" });
  const [result] = await ctx.db.delete(schedules).where(eq(schedules.id, schedule.id));
  if (result.affectedRows === 1) {
    await recordAudit(ctx, {
      action: "schedule.delete",
      actor: options.principal,
      ip: options.ip ?? null,
      target: { type: "schedule", id: schedule.publicId },
      details: { name: schedule.name, owner, pipeline: schedule.pipeline },
    });
  }
}
