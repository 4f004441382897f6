import { lt } from "drizzle-orm";
import { events } from "@/db/schema";
import type { AppContext } from "../context";

const DAY_MS = 24 * 3600 * 1000;
/**
 * Events per DELETE. Each takes its `event_runs` rows with it (the foreign key cascades), so
 * a statement stays short. Oldest first by id: ids grow with `received_at`, so the scan of
 * the primary key stops after the old rows (no index on `received_at` needed).
 */
const ROWS_PER_DELETE = 500;
/** Statements per tick, so one tick stays short; the rest waits for the next. */
const DELETES_PER_TICK = 10;

/**
 * Event retention, one bounded step per beat tick: removes the events received longer than
 * EVENT_RETENTION_DAYS ago with their outcomes (`event_runs`; the runs stay, without their
 * "started by the event" link), at most ROWS_PER_DELETE × DELETES_PER_TICK a tick.
 * EVENT_RETENTION_DAYS=0 (the default) keeps them for ever. Returns the events removed.
 */
export async function pruneEvents(
  ctx: Pick<AppContext, "db" | "config">,
  options: { now?: Date } = {},
): Promise<number> {
  const days = ctx.config.eventRetentionDays;
  if (days <= 0) return 0;
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * DAY_MS);
  let total = 0;
  for (let i = 0; i < DELETES_PER_TICK; i++) {
    const [result] = await ctx.db
      .delete(events)
      .where(lt(events.receivedAt, cutoff))
      .orderBy(events.id)
      .limit(ROWS_PER_DELETE);
    total += result.affectedRows;
    if (result.affectedRows < ROWS_PER_DELETE) break;
  }
  return total;
}
