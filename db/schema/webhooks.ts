import {
  boolean,
  index,
  int,
  mysqlEnum,
  mysqlTable,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";
import { createdAt, foreignId, id, jsonColumn, reference, timestamp } from "./columns";
import { users } from "./users";

/**
 * A user's webhook endpoint (Standard Webhooks). The signing secret is kept encrypted
 * (AES-256-GCM under a key derived from AUTH_SECRET: server/webhooks/webhook-secret.ts),
 * since signing needs the secret itself, not a hash.
 */
export const webhookEndpoints = mysqlTable(
  "webhook_endpoints",
  {
    id: id(),
    userId: reference("user_id", () => users.id, "cascade"),
    url: varchar("url", { length: 2000 }).notNull(),
    description: varchar("description", { length: 200 }).notNull().default(""),
    /** `iv.tag.ciphertext`, base64url each. */
    secretCipher: varchar("secret_cipher", { length: 255 }).notNull(),
    /** The event types sent (`run.succeeded`, …). */
    events: jsonColumn<string[]>("events").notNull(),
    /** Only these pipelines' runs; null: every pipeline. */
    pipelines: jsonColumn<string[] | null>("pipelines"),
    /** Everyone's runs, not only the owner's (administrators only). */
    allUsers: boolean("all_users").notNull().default(false),
    /** Set when the target answered 410 Gone, or by its owner; no more deliveries. */
    disabledAt: timestamp("disabled_at"),
    disabledReason: varchar("disabled_reason", { length: 200 }),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_endpoints_user_idx").on(t.userId)],
);

export const WEBHOOK_DELIVERY_STATES = ["pending", "succeeded", "failed"] as const;

/**
 * One message to one endpoint, and its attempts. Exactly one row per run event and
 * endpoint (the unique key): the outbox consumer inserts, the workers' sender delivers.
 */
export const webhookDeliveries = mysqlTable(
  "webhook_deliveries",
  {
    id: id(),
    endpointId: reference("endpoint_id", () => webhookEndpoints.id, "cascade"),
    /** The `run_events` id; null for a test event. */
    runEventId: foreignId("run_event_id"),
    /** `webhook-id`: the same on every attempt of this message. */
    messageId: varchar("message_id", { length: 40 }).notNull(),
    eventType: varchar("event_type", { length: 40 }).notNull(),
    payload: jsonColumn<Record<string, unknown>>("payload").notNull(),
    state: mysqlEnum("state", WEBHOOK_DELIVERY_STATES).notNull().default("pending"),
    attempts: int("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at"),
    /** A sender holds the row until then (another worker leaves it alone). */
    leaseUntil: timestamp("lease_until"),
    lastAttemptAt: timestamp("last_attempt_at"),
    lastStatusCode: int("last_status_code"),
    lastError: varchar("last_error", { length: 300 }),
    lastResponseMs: int("last_response_ms"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_unique").on(t.endpointId, t.runEventId),
    uniqueIndex("webhook_deliveries_message_unique").on(t.messageId),
    index("webhook_deliveries_due_idx").on(t.state, t.nextAttemptAt),
  ],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
