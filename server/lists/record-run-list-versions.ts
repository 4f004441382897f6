import { asc, eq } from "drizzle-orm";
import { runListVersions } from "@/db/schema";
import type { AppContext } from "../context";

/** The list versions recorded for a run, by list name. */
export async function getRunListVersions(
  ctx: Pick<AppContext, "db">,
  runId: number,
): Promise<{ list: string; versionId: number }[]> {
  const rows = await ctx.db
    .select({ list: runListVersions.listName, versionId: runListVersions.versionId })
    .from(runListVersions)
    .where(eq(runListVersions.runId, runId))
    .orderBy(asc(runListVersions.listName));
  return rows;
}
