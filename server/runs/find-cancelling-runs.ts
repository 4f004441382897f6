import { and, eq, inArray } from "drizzle-orm";
import { runs } from "@/db/schema";
import type { AppContext } from "../context";

/** Which of these runs have a cancel request (status `cancelling`). */
export async function findCancellingRuns(
  ctx: Pick<AppContext, "db">,
  options: { runIds: string[] },
): Promise<string[]> {
  if (options.runIds.length === 0) return [];
  const rows = await ctx.db
    .select({ publicId: runs.publicId })
    .from(runs)
    .where(and(inArray(runs.publicId, options.runIds), eq(runs.status, "cancelling")));
  return rows.map((row) => row.publicId);
}
