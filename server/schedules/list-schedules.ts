import { asc, eq } from "drizzle-orm";
import { schedules } from "@/db/schema";
import { canSeeAllRuns } from "@/lib/roles";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { selectSchedules, toScheduleView, withOwner, type ScheduleList } from "./schedule-view";

/** A list, not a page: an installation has tens of schedules, not thousands. */
const MAX_SCHEDULES = 1000;

/**
 * The schedules the caller may see (GET /api/v1/schedules): submitters their own,
 * every other role all of them; by name.
 */
export async function listSchedules(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal },
): Promise<ScheduleList> {
  const { principal } = options;
  const query = selectSchedules(ctx);
  const rows = await (
    canSeeAllRuns(principal.role) ? query : query.where(eq(schedules.userId, principal.userId))
  )
    .orderBy(asc(schedules.name), asc(schedules.id))
    .limit(MAX_SCHEDULES);
  return { items: rows.map((row) => toScheduleView(withOwner(row))) };
}
