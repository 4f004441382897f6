import { asc, eq } from "drizzle-orm";
import { listVersions, runListVersions } from "@/db/schema";
import type { AppContext } from "../context";

/**
 * The list versions recorded for a run, by list name, with their count and time while the
 * version is kept (null once a later refresh pruned it: the run keeps its id).
 */
export async function getRunListVersions(
  ctx: Pick<AppContext, "db">,
  runId: number,
): Promise<{ list: string; versionId: number; count: number | null; createdAt: string | null }[]> {
  const rows = await ctx.db
    .select({
      list: runListVersions.listName,
      versionId: runListVersions.versionId,
      count: listVersions.count,
      createdAt: listVersions.createdAt,
    })
    .from(runListVersions)
    .leftJoin(listVersions, eq(listVersions.id, runListVersions.versionId))
    .where(eq(runListVersions.runId, runId))
    .orderBy(asc(runListVersions.listName));
  return rows.map((row) => ({ ...row, createdAt: row.createdAt?.toISOString() ?? null }));
}
