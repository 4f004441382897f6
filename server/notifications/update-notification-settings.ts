import { eq } from "drizzle-orm";
import { notificationPreferences, users } from "@/db/schema";
import type {
  NotificationSettings,
  TUpdateNotificationSettingsRequest,
} from "@/lib/contract/account";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { getNotificationSettings } from "./get-notification-settings";

/**
 * Changes the caller's own mail address and choice of run ends (PATCH
 * /api/v1/account/notifications); a field left out stays. One transaction.
 */
export async function updateNotificationSettings(
  ctx: Pick<AppContext, "db" | "config">,
  options: { principal: Principal; changes: TUpdateNotificationSettingsRequest },
): Promise<NotificationSettings> {
  const { principal, changes } = options;
  const now = new Date();
  await ctx.db.transaction(async (tx) => {
    if (changes.email !== undefined) {
      await tx
        .update(users)
        .set({ email: changes.email, updatedAt: now })
        .where(eq(users.id, principal.userId));
    }
    if (changes.emailStatuses === null) {
      await tx
        .delete(notificationPreferences)
        .where(eq(notificationPreferences.userId, principal.userId));
    } else if (changes.emailStatuses !== undefined) {
      const emailStatuses = [...changes.emailStatuses];
      await tx
        .insert(notificationPreferences)
        .values({ userId: principal.userId, emailStatuses, updatedAt: now })
        .onDuplicateKeyUpdate({ set: { emailStatuses, updatedAt: now } });
    }
  });
  return getNotificationSettings(ctx, { principal });
}
