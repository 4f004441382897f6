import { lt } from "drizzle-orm";
import { auditEvents } from "@/db/schema";
import type { AppContext } from "../context";

const DAY_MS = 24 * 3600 * 1000;
/** Rows per DELETE: a range of the (at, id) index, short enough not to hold the table. */
const ROWS_PER_DELETE = 1000;
/** Statements per tick, so one tick stays short; the rest waits for the next. */
const DELETES_PER_TICK = 10;

/**
 * Audit retention, one bounded step per beat tick: removes the audit events older than
 * AUDIT_RETENTION_DAYS, oldest first, at most ROWS_PER_DELETE × DELETES_PER_TICK a tick.
 * AUDIT_RETENTION_DAYS=0 (the default) keeps them for ever. Returns the rows removed.
 */
export async function pruneAuditEvents(
  ctx: Pick<AppContext, "db" | "config">,
  options: { now?: Date } = {},
): Promise<number> {
  const days = ctx.config.auditRetentionDays;
  if (days <= 0) return 0;
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * DAY_MS);
  let total = 0;
  for (let i = 0; i < DELETES_PER_TICK; i++) {
    const [result] = await ctx.db
      .delete(auditEvents)
      .where(lt(auditEvents.at, cutoff))
      .orderBy(auditEvents.at, auditEvents.id)
      .limit(ROWS_PER_DELETE);
    total += result.affectedRows;
    if (result.affectedRows < ROWS_PER_DELETE) break;
  }
  return total;
}
