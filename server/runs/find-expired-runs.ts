import { and, inArray, lt } from "drizzle-orm";
import { runs } from "@/db/schema";
import { TERMINAL_STATUSES } from "@/lib/run-status";
import type { AppContext } from "../context";

/** Which of these runs finished before the cutoff (unknown ids are not answered). */
export async function findExpiredRuns(
  ctx: Pick<AppContext, "db">,
  options: { runIds: string[]; finishedBefore: Date },
): Promise<string[]> {
  if (options.runIds.length === 0) return [];
  const rows = await ctx.db
    .select({ publicId: runs.publicId })
    .from(runs)
    .where(
      and(
        inArray(runs.publicId, options.runIds),
        inArray(runs.status, [...TERMINAL_STATUSES]),
        lt(runs.finishedAt, options.finishedBefore),
      ),
    );
  return rows.map((row) => row.publicId);
}
