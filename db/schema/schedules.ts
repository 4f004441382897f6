import {
  boolean,
  index,
  longtext,
  mysqlEnum,
  mysqlTable,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";
import { createdAt, foreignId, id, reference, timestamp } from "./columns";
import { users } from "./users";

export const MISSED_FIRE_POLICIES = ["skip", "run_once"] as const;

/**
 * A cron schedule: the beat submits `config` to `pipeline` (name@version or name@latest)
 * as the owner at every fire. Each fire's run carries the idempotency key
 * `schedule:<publicId>:<fire time>`, unique per owner: two beats, or a beat restarting
 * mid-fire, can never make two runs of one fire.
 */
export const schedules = mysqlTable(
  "schedules",
  {
    id: id(),
    publicId: varchar("public_id", { length: 26 }).notNull(),
    name: varchar("name", { length: 255 }).notNull(),
    userId: reference("user_id", () => users.id),
    pipeline: varchar("pipeline", { length: 200 }).notNull(),
    config: longtext("config").notNull(),
    cron: varchar("cron", { length: 120 }).notNull(),
    timeZone: varchar("time_zone", { length: 64 }).notNull().default("UTC"),
    enabled: boolean("enabled").notNull().default(true),
    missedPolicy: mysqlEnum("missed_policy", MISSED_FIRE_POLICIES).notNull().default("skip"),
    nextFireAt: timestamp("next_fire_at"),
    lastFireAt: timestamp("last_fire_at"),
    lastRunId: foreignId("last_run_id"),
    lastError: varchar("last_error", { length: 1000 }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at"),
  },
  (t) => [
    uniqueIndex("schedules_public_id_unique").on(t.publicId),
    index("schedules_due_idx").on(t.enabled, t.nextFireAt),
  ],
);

export type ScheduleRow = typeof schedules.$inferSelect;
