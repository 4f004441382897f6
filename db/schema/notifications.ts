import {
  boolean,
  index,
  int,
  mysqlEnum,
  mysqlTable,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";
import { END_STATUSES } from "../../lib/notify-statuses";
import { createdAt, id, jsonColumn, reference, timestamp } from "./columns";
import { runEvents, runs } from "./runs";
import { users } from "./users";

/** Where an end-of-run mail is (server/notifications/send-due-mail.ts). */
export const MAIL_STATES = ["pending", "sending", "sent", "skipped", "failed"] as const;
export type MailState = (typeof MAIL_STATES)[number];

/**
 * One row per run end to mail about, written by the e-mail consumer of run events
 * (unique on the event: a second hand-over of the event changes nothing). A sender claims
 * a row (pending → sending) before it sends, so a mail goes out once even with two senders.
 */
export const emailNotifications = mysqlTable(
  "email_notifications",
  {
    id: id(),
    runEventId: reference("run_event_id", () => runEvents.id, "cascade"),
    runId: reference("run_id", () => runs.id, "cascade"),
    userId: reference("user_id", () => users.id, "cascade"),
    status: mysqlEnum("status", END_STATUSES).notNull(),
    state: mysqlEnum("state", MAIL_STATES).notNull().default("pending"),
    /** The addresses mailed (comma-separated), once resolved at the first try. */
    recipients: varchar("recipients", { length: 6000 }),
    /** Held to go out in a digest of this user's run ends. */
    digest: boolean("digest").notNull().default(false),
    attempts: int("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at").notNull(),
    claimedAt: timestamp("claimed_at"),
    sentAt: timestamp("sent_at"),
    /** The SMTP server's answer to the last failed try. */
    error: varchar("error", { length: 1000 }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("email_notifications_event_unique").on(t.runEventId),
    index("email_notifications_due_idx").on(t.state, t.nextAttemptAt),
    index("email_notifications_user_idx").on(t.userId, t.sentAt),
  ],
);

/** A user's choice of the run ends they are mailed about (no row: the pipeline's default). */
export const notificationPreferences = mysqlTable("notification_preferences", {
  userId: reference("user_id", () => users.id, "cascade").primaryKey(),
  emailStatuses: jsonColumn<string[]>("email_statuses").notNull(),
  updatedAt: timestamp("updated_at"),
});

export type EmailNotificationRow = typeof emailNotifications.$inferSelect;
