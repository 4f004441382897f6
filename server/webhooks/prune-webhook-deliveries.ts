import { and, lt, ne } from "drizzle-orm";
import { webhookDeliveries } from "@/db/schema";
import type { AppContext } from "../context";

/** How long finished deliveries stay in the log. */
export const DELIVERY_LOG_DAYS = 30;
const BATCH = 5000;

/**
 * Deletes finished deliveries older than 30 days (pending ones stay, whatever their age),
 * in batches; returns how many. Every worker's sender calls it hourly.
 */
export async function pruneWebhookDeliveries(
  ctx: Pick<AppContext, "db">,
  now = new Date(),
): Promise<number> {
  const before = new Date(now.getTime() - DELIVERY_LOG_DAYS * 24 * 3600 * 1000);
  let deleted = 0;
  for (;;) {
    const [result] = await ctx.db
      .delete(webhookDeliveries)
      .where(and(ne(webhookDeliveries.state, "pending"), lt(webhookDeliveries.createdAt, before)))
      .limit(BATCH);
    deleted += result.affectedRows;
    if (result.affectedRows < BATCH) return deleted;
  }
}
