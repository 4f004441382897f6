import { and, asc, eq, lte } from "drizzle-orm";
import { referenceLists } from "@/db/schema";
import type { AppContext } from "../context";
import { nextFireAfter } from "../schedules/cron";
import { refreshList, type RefreshOutcome } from "./refresh-list";

/** Lists refreshed per call; the rest wait for the next tick (the longest due first). */
const BATCH = 20;

/**
 * Called by the active beat: refreshes every list whose next_refresh_at has come. Each list
 * is claimed first by moving next_refresh_at to its next cron time, only if it still holds
 * what this beat read: a second beat (or a restarted one) that read the same row claims
 * nothing, so two beats refresh a list once. A failure is recorded on the list (last_error)
 * and waits for the next time; one list's trouble never stops the others.
 */
export async function refreshDueLists(
  ctx: Pick<AppContext, "db" | "config" | "redis" | "keys" | "log">,
  options: { now?: Date } = {},
): Promise<{ name: string; result: RefreshOutcome }[]> {
  const now = options.now ?? new Date();
  const due = await ctx.db
    .select()
    .from(referenceLists)
    .where(lte(referenceLists.nextRefreshAt, now))
    .orderBy(asc(referenceLists.nextRefreshAt))
    .limit(BATCH);
  const done: { name: string; result: RefreshOutcome }[] = [];
  for (const list of due) {
    const next = nextFireAfter(list.cron, list.timeZone, now);
    const [claimed] = await ctx.db
      .update(referenceLists)
      .set({ nextRefreshAt: next })
      .where(
        and(eq(referenceLists.id, list.id), eq(referenceLists.nextRefreshAt, list.nextRefreshAt!)),
      );
    if (claimed.affectedRows !== 1) continue;
    try {
      const result = await refreshList(ctx, { ...list, nextRefreshAt: next }, { now });
      if (result.outcome === "failed")
        ctx.log.warn(
          { list: list.name, error: result.error },
          "list refresh failed; last good version kept",
        );
      else if (result.outcome === "stored")
        ctx.log.info({ list: list.name, count: result.count }, "list refreshed");
      done.push({ name: list.name, result });
    } catch (error) {
      ctx.log.error({ err: error, list: list.name }, "list refresh failed");
    }
  }
  return done;
}
