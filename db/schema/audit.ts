import { bigint, index, mysqlEnum, mysqlTable, varchar } from "drizzle-orm/mysql-core";
import {
  AUDIT_OUTCOMES,
  AUDIT_TARGET_TYPES,
  AUDIT_VIA,
  type AuditAction,
} from "../../lib/contract/audit";
import { id, jsonColumn, timestamp } from "./columns";

/**
 * The audit log: who did what, when, from where. Rows are never updated and outlive what
 * they name, so there are no foreign keys: a deleted user's or schedule's events stay,
 * with the username and ids as they were. RETENTION_DAYS does not remove them;
 * AUDIT_RETENTION_DAYS (0: never) does (server/beat/prune-audit-events.ts).
 */
export const auditEvents = mysqlTable(
  "audit_events",
  {
    id: id(),
    at: timestamp("at").notNull(),
    action: varchar("action", { length: 48 }).$type<AuditAction>().notNull(),
    outcome: mysqlEnum("outcome", AUDIT_OUTCOMES).notNull().default("ok"),
    /** The actor's user id when known (not for a failed sign-in of a name nobody has). */
    actorUserId: bigint("actor_user_id", { mode: "number", unsigned: true }),
    /** The username as it was; null: the command line, or a sign-in naming nobody possible. */
    actorUsername: varchar("actor_username", { length: 64 }),
    via: mysqlEnum("via", AUDIT_VIA),
    /** clientIp(): an address, or "unknown" without a trusted proxy; null: no HTTP request. */
    ip: varchar("ip", { length: 45 }),
    targetType: mysqlEnum("target_type", AUDIT_TARGET_TYPES),
    targetId: varchar("target_id", { length: 64 }),
    details: jsonColumn<Record<string, unknown>>("details").notNull(),
  },
  (t) => [
    // Newest first, keyset by (at, id); each filter has its own (…, at) index.
    index("audit_events_at_idx").on(t.at, t.id),
    index("audit_events_actor_idx").on(t.actorUsername, t.at),
    index("audit_events_action_idx").on(t.action, t.at),
    index("audit_events_target_idx").on(t.targetType, t.targetId, t.at),
    // Refusals are rare: without it, looking for them scans the whole log (6.9 s at 1M rows).
    index("audit_events_outcome_idx").on(t.outcome, t.at),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
