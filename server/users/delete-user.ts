import { count, eq } from "drizzle-orm";
import { apiTokens, eventRules, runEvents, runs, schedules, users } from "@/db/schema";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { revokeUserAccess } from "./revoke-user-access";
import {
  auditUserChange,
  keepAnAdmin,
  lockUserAndAdmins,
  requireUserAdministrator,
  type Transaction,
  type UserAdministrator,
} from "./user-admin";

/** What a user left behind that a delete would lose (or that names them). */
async function historyOf(tx: Transaction, userId: number): Promise<string[]> {
  const counted = await Promise.all([
    tx.select({ n: count() }).from(runs).where(eq(runs.userId, userId)),
    tx.select({ n: count() }).from(schedules).where(eq(schedules.userId, userId)),
    tx.select({ n: count() }).from(apiTokens).where(eq(apiTokens.userId, userId)),
    tx.select({ n: count() }).from(runEvents).where(eq(runEvents.actorUserId, userId)),
    tx.select({ n: count() }).from(eventRules).where(eq(eventRules.userId, userId)),
  ]);
  const [runCount, scheduleCount, tokenCount, eventCount, ruleCount] = counted.map(
    (r) => r[0]?.n ?? 0,
  );
  return [
    runCount ? `${runCount} run(s)` : "",
    scheduleCount ? `${scheduleCount} schedule(s)` : "",
    tokenCount ? `${tokenCount} API token(s), revoked ones included` : "",
    eventCount ? `${eventCount} action(s) on runs` : "",
    ruleCount ? `${ruleCount} event rule(s) that submit as them` : "",
  ].filter(Boolean);
}

/**
 * Deletes a user who left nothing behind: no runs, schedules, API tokens (even revoked) or
 * actions on runs (DELETE /api/v1/users/{username}, `npm run user -- delete`), e.g. one
 * created by mistake. Anyone else is refused (409) with what they have: disable them
 * instead, so that nothing of the history is lost. 403 unless an admin (or the command
 * line) asks; 404 for an unknown user; 409 for the last enabled administrator. Their
 * access ends at once in every web process.
 */
export async function deleteUser(
  ctx: Pick<AppContext, "db" | "redis" | "keys" | "log" | "runNotifications">,
  options: { by: UserAdministrator; username: string },
): Promise<void> {
  requireUserAdministrator(options.by, "delete users");
  const userId = await ctx.db.transaction(async (tx) => {
    // Locked first: a run, schedule or token made meanwhile waits, then finds no user.
    const locked = await lockUserAndAdmins(tx, options.username);
    const { user } = locked;
    keepAnAdmin(locked, false, "delete");
    const history = await historyOf(tx, user.id);
    if (history.length > 0) {
      throw new AppError(
        "CONFLICT",
        `Cannot delete "${user.username}": they have ${history.join(", ")}, which a delete would lose. Disable the user instead.`,
      );
    }
    await tx.delete(users).where(eq(users.id, user.id));
    await auditUserChange(tx, options.by, { action: "user.delete", username: user.username });
    return user.id;
  });
  await revokeUserAccess(ctx, userId);
}
