import { eq } from "drizzle-orm";
import { schedules } from "@/db/schema";
import { isRunId } from "@/lib/ids";
import { canManageAllRuns, canSeeAllRuns } from "@/lib/roles";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { selectSchedules, withOwner, type ScheduleWithOwner } from "./schedule-view";

/**
 * Loads a schedule the caller may see (`read`) or change (`manage`), as for runs:
 * submitters their own, viewers see all and change none, admins and operators all.
 * 404 when it does not exist, 403 when it is somebody else's and the role does not
 * widen access.
 */
export async function findScheduleFor(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; scheduleId: string; access: "read" | "manage" },
): Promise<ScheduleWithOwner> {
  const { principal, scheduleId, access } = options;
  const missing = () => new AppError("NOT_FOUND", `There is no schedule "${scheduleId}"`);
  if (!isRunId(scheduleId)) throw missing();
  const [row] = await selectSchedules(ctx).where(eq(schedules.publicId, scheduleId)).limit(1);
  if (!row) throw missing();
  const own = row.schedule.userId === principal.userId;
  const allowed =
    access === "read"
      ? own || canSeeAllRuns(principal.role)
      : (own && principal.role !== "viewer") || canManageAllRuns(principal.role);
  if (!allowed) {
    throw new AppError(
      "FORBIDDEN",
      `You may not ${access === "read" ? "see" : "change"} this schedule`,
    );
  }
  return withOwner(row);
}
