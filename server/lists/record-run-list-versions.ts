import { asc, eq } from "drizzle-orm";
import { runListVersions } from "@/db/schema";
import type { AppContext } from "../context";

/**
 * Records the list versions a run's config was validated against (after the run is
 * stored: a replayed submission finds them there already and adds nothing).
 */
export async function recordRunListVersions(
  ctx: Pick<AppContext, "db">,
  runId: number,
  versions: readonly { list: string; versionId: number }[],
): Promise<void> {
  if (versions.length === 0) return;
  await ctx.db
    .insert(runListVersions)
    .ignore()
    .values(versions.map((v) => ({ runId, listName: v.list, versionId: v.versionId })));
}

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
