import {
  boolean,
  index,
  int,
  longtext,
  mysqlTable,
  text,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";
import { createdAt, foreignId, id, reference, timestamp } from "./columns";
import { runs } from "./runs";
import { users } from "./users";

/**
 * A rule: an event of `eventType` whose payload passes `filter` starts `pipeline` with
 * `configTemplate` rendered from the event ({{ /payload/... }} substitutions), as `userId`.
 * See docs/API.md "Events and rules".
 */
export const eventRules = mysqlTable(
  "event_rules",
  {
    id: id(),
    publicId: varchar("public_id", { length: 26 }).notNull(),
    name: varchar("name", { length: 255 }).notNull(),
    eventType: varchar("event_type", { length: 100 }).notNull(),
    /** JSON: a list of {pointer, equals | in | matches}, all of which must hold. */
    filter: text("filter").notNull(),
    pipeline: varchar("pipeline", { length: 200 }).notNull(),
    configTemplate: longtext("config_template").notNull(),
    /** The user the runs are submitted as. */
    userId: reference("user_id", () => users.id),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at"),
  },
  (t) => [
    uniqueIndex("event_rules_public_id_unique").on(t.publicId),
    index("event_rules_type_idx").on(t.eventType),
  ],
);

/**
 * An event received (POST /api/v1/events) or emitted by a finished run (run.succeeded,
 * run.failed). `event_id` is unique: the row is inserted first, so the same event twice
 * starts its rules once. `processed_at` is set when every matching rule has its outcome.
 */
export const events = mysqlTable(
  "events",
  {
    id: id(),
    eventId: varchar("event_id", { length: 200 }).notNull(),
    type: varchar("type", { length: 100 }).notNull(),
    payload: longtext("payload").notNull(),
    /** SHA-256 of type and payload: the same id with another body is a conflict. */
    bodyHash: varchar("body_hash", { length: 64 }).notNull(),
    /** 0 for posted events; a run's event is one deeper than the event that started the run. */
    depth: int("depth").notNull().default(0),
    /** The run whose end emitted it (chained events). */
    sourceRunId: foreignId("source_run_id"),
    /** Why no rule was tried (the loop guard), else null. */
    error: varchar("error", { length: 1000 }),
    postedBy: foreignId("posted_by"),
    receivedAt: createdAt(),
    processedAt: timestamp("processed_at"),
  },
  (t) => [
    uniqueIndex("events_event_id_unique").on(t.eventId),
    index("events_source_run_idx").on(t.sourceRunId),
  ],
);

/** What one matching rule did for one event: the run it started, or why it did not. */
export const eventRuns = mysqlTable(
  "event_runs",
  {
    id: id(),
    eventId: reference("event_id", () => events.id, "cascade"),
    /** The rule's public id (no foreign key: an outcome outlives its rule). */
    rulePublicId: varchar("rule_public_id", { length: 26 }).notNull(),
    runId: foreignId("run_id").references(() => runs.id, { onDelete: "set null" }),
    error: varchar("error", { length: 1000 }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("event_runs_event_rule_unique").on(t.eventId, t.rulePublicId),
    index("event_runs_run_idx").on(t.runId),
  ],
);

export type EventRuleRow = typeof eventRules.$inferSelect;
export type EventRow = typeof events.$inferSelect;
