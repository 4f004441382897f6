import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { ZUpdateUserRequest, type TUpdateUserRequest, type UserView } from "@/lib/contract/users";
import type { AppContext } from "../context";
import { parseWith } from "../errors";
import { revokeUserAccess } from "./revoke-user-access";
import {
  auditUserChange,
  keepAnAdmin,
  lastTokenUses,
  lockUserAndAdmins,
  requireUserAdministrator,
  toUserView,
  type UserAdministrator,
} from "./user-admin";

/**
 * Disables or enables a user, changes their role or running-runs limit (PATCH
 * /api/v1/users/{username}, `npm run user -- disable|enable|limit`). 403 unless an admin
 * (or the command line) asks; 404 for an unknown user; 422 for a bad field; 409 when it
 * would leave no enabled administrator. Disabling or another role revokes the user's
 * access at once in every web process (sessions, cached credentials, live views); API
 * tokens stop working while disabled and work again once enabled. Sending what the user
 * already has changes nothing.
 */
export async function updateUser(
  ctx: Pick<AppContext, "db" | "redis" | "keys" | "log" | "runNotifications" | "caches">,
  options: { by: UserAdministrator; username: string; changes: TUpdateUserRequest },
): Promise<UserView> {
  requireUserAdministrator(options.by, "change users");
  const changes = parseWith(ZUpdateUserRequest, options.changes);
  const { user, revoke } = await ctx.db.transaction(async (tx) => {
    const locked = await lockUserAndAdmins(tx, options.username);
    const before = locked.user;
    const disabledAt =
      changes.disabled === undefined
        ? before.disabledAt
        : changes.disabled
          ? (before.disabledAt ?? new Date())
          : null;
    const role = changes.role ?? before.role;
    keepAnAdmin(
      locked,
      !disabledAt && role === "admin",
      disabledAt ? "disable" : "change the role of",
    );
    const set = {
      disabledAt,
      role,
      maxRunningRuns:
        changes.maxRunningRuns === undefined ? before.maxRunningRuns : changes.maxRunningRuns,
    };
    await tx
      .update(users)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(users.id, before.id));
    if ((set.disabledAt === null) !== (before.disabledAt === null)) {
      const action = set.disabledAt ? "user.disable" : "user.enable";
      await auditUserChange(tx, options.by, { action, username: before.username });
    }
    const changed = (["role", "maxRunningRuns"] as const).filter((k) => set[k] !== before[k]);
    if (changed.length > 0) {
      const details = Object.fromEntries(changed.map((k) => [k, { from: before[k], to: set[k] }]));
      await auditUserChange(tx, options.by, {
        action: "user.update",
        username: before.username,
        details,
      });
    }
    return {
      user: { ...before, ...set },
      revoke: (disabledAt !== null && before.disabledAt === null) || role !== before.role,
    };
  });
  if (revoke) await revokeUserAccess(ctx, user.id);
  if (changes.maxRunningRuns !== undefined) ctx.caches.userLimits.clear();
  const tokenUses = await lastTokenUses(ctx, [user.id]);
  return toUserView(user, tokenUses.get(user.id) ?? null);
}
