import { and, count, eq, gt } from "drizzle-orm";
import { emailNotifications } from "@/db/schema";
import type { OperationsView } from "@/lib/contract/operations";
import type { AppContext } from "../context";

/** End-of-run mail on the operations page: on or off, waiting, given up in the last day. */
export async function getMailStatus(
  ctx: Pick<AppContext, "db" | "config">,
  now: Date,
): Promise<OperationsView["email"]> {
  const [pending, failed] = await Promise.all([
    ctx.db
      .select({ n: count() })
      .from(emailNotifications)
      .where(eq(emailNotifications.state, "pending")),
    ctx.db
      .select({ n: count() })
      .from(emailNotifications)
      .where(
        and(
          eq(emailNotifications.state, "failed"),
          gt(emailNotifications.createdAt, new Date(now.getTime() - 24 * 3600_000)),
        ),
      ),
  ]);
  return {
    enabled: Boolean(ctx.config.mail.smtpUrl),
    pending: Number(pending[0]?.n ?? 0),
    failedLastDay: Number(failed[0]?.n ?? 0),
  };
}
