import { emailNotifications } from "@/db/schema";
import { isEndStatus } from "@/lib/notify-statuses";
import type { RunEventConsumer } from "../run-events/follow-run-events";

/**
 * Records a row to mail for each run end (server/run-events/consumers.ts). Only a bulk
 * INSERT IGNORE: the unique key on the event makes a second hand-over a no-op, and the
 * slow part (recipients, logs, SMTP) is the sender's (send-due-mail.ts), off the beat.
 * Without SMTP_URL nothing is recorded: notifications are off.
 */
export const emailConsumer: RunEventConsumer = {
  name: "email",
  async handle(ctx, events) {
    if (!ctx.config.mail.smtpUrl) return;
    const rows = events.flatMap((e) =>
      isEndStatus(e.toStatus)
        ? [
            {
              runEventId: e.id,
              runId: e.runId,
              userId: e.userId,
              status: e.toStatus,
              nextAttemptAt: e.createdAt,
            },
          ]
        : [],
    );
    if (rows.length > 0) await ctx.db.insert(emailNotifications).ignore().values(rows);
  },
};
