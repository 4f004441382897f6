import { eq } from "drizzle-orm";
import { notificationPreferences, users } from "@/db/schema";
import type { NotificationSettings } from "@/lib/contract/account";
import { DEFAULT_NOTIFY_STATUSES, isEndStatus } from "@/lib/notify-statuses";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";

/** The caller's own mail settings (GET /api/v1/account/notifications); nobody else's. */
export async function getNotificationSettings(
  ctx: Pick<AppContext, "db" | "config">,
  options: { principal: Principal },
): Promise<NotificationSettings> {
  const [row] = await ctx.db
    .select({ email: users.email, statuses: notificationPreferences.emailStatuses })
    .from(users)
    .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
    .where(eq(users.id, options.principal.userId));
  return {
    email: row?.email ?? null,
    emailStatuses: row?.statuses ? row.statuses.filter(isEndStatus) : null,
    defaultStatuses: [...DEFAULT_NOTIFY_STATUSES],
    enabled: Boolean(ctx.config.mail.smtpUrl),
  };
}
