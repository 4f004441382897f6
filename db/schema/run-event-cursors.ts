import { bigint, mysqlTable, varchar } from "drizzle-orm/mysql-core";
import { timestamp } from "./columns";

/**
 * How far each consumer of `run_events` (e-mail, webhooks, event rules) has read it:
 * every event with an id at or below `last_event_id` was handed to the consumer and is
 * older than the settle window (server/run-events/follow-run-events.ts).
 */
export const runEventCursors = mysqlTable("run_event_cursors", {
  consumer: varchar("consumer", { length: 64 }).primaryKey(),
  lastEventId: bigint("last_event_id", { mode: "number", unsigned: true }).notNull(),
  updatedAt: timestamp("updated_at"),
});
