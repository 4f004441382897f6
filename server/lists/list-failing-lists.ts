import { asc, eq, isNotNull } from "drizzle-orm";
import { listVersions, referenceLists } from "@/db/schema";
import type { FailingList } from "@/lib/contract/operations";
import type { AppContext } from "../context";

/** More failing lists than this are not listed one by one (the lists page has them all). */
export const FAILING_LISTS_SHOWN = 50;

/**
 * The lists whose latest refresh failed, for the operations page: the reason, since when,
 * and how old the values submissions are still checked against are (the last good version).
 */
export async function listFailingLists(ctx: Pick<AppContext, "db">): Promise<FailingList[]> {
  const rows = await ctx.db
    .select({
      name: referenceLists.name,
      error: referenceLists.lastError,
      since: referenceLists.lastErrorAt,
      lastGoodAt: listVersions.createdAt,
      lastGoodCount: listVersions.count,
    })
    .from(referenceLists)
    .leftJoin(listVersions, eq(listVersions.id, referenceLists.currentVersionId))
    .where(isNotNull(referenceLists.lastError))
    .orderBy(asc(referenceLists.name))
    .limit(FAILING_LISTS_SHOWN);
  return rows.map((row) => ({
    name: row.name,
    error: row.error ?? "",
    since: row.since?.toISOString() ?? null,
    lastGoodAt: row.lastGoodAt?.toISOString() ?? null,
    lastGoodCount: row.lastGoodCount,
  }));
}
