/**
 * What the services that manage users share (list, create, update, delete): who may,
 * how a user is shown, and the guard that keeps one enabled administrator.
 */
import { and, eq, isNull, max, or } from "drizzle-orm";
import { apiTokens, auditEvents, users, type User } from "@/db/schema";
import type { UserView } from "@/lib/contract/users";
import { normalizeUsername } from "@/lib/username";
import { toAuditRow, type AuditEvent } from "../audit/record-audit";
import type { Principal } from "../auth/principal";
import { requireAdmin } from "../auth/require-role";
import type { AppContext } from "../context";
import { AppError } from "../errors";

/**
 * Who manages users: an administrator (API, page) or someone with a shell on the server
 * (`npm run user`, which needs the database credentials anyway). The audit log records it.
 */
export type UserAdministrator = { principal: Principal; ip?: string } | { commandLine: true };

/** Who acted, for the audit log. */
export function auditActorOf(by: UserAdministrator): Pick<AuditEvent, "actor" | "ip"> {
  return "principal" in by ? { actor: by.principal, ip: by.ip ?? null } : { actor: "cli" };
}

/** The audit row of a change to a user, written in that change's transaction. */
export async function auditUserChange(
  tx: Transaction,
  by: UserAdministrator,
  event: Pick<AuditEvent, "action" | "details"> & { username: string },
): Promise<void> {
  const { username, ...rest } = event;
  await tx
    .insert(auditEvents)
    .values(toAuditRow({ ...rest, ...auditActorOf(by), target: { type: "user", id: username } }));
}

/** 403 unless an administrator (or the command line) asks; `what` completes "… can …". */
export function requireUserAdministrator(by: UserAdministrator, what: string): void {
  if ("principal" in by) requireAdmin(by.principal, what);
}

/** The database handle inside `db.transaction`. */
export type Transaction = Parameters<Parameters<AppContext["db"]["transaction"]>[0]>[0];

/**
 * The user named `username` and every enabled administrator, locked until the transaction
 * ends: two admins disabling each other at once are done one after the other, and the
 * second finds the first gone. One statement, rows in key order: no deadlock between two.
 * 404 when there is no such user.
 */
export async function lockUserAndAdmins(
  tx: Transaction,
  username: string,
): Promise<{ user: User; enabledAdminIds: number[] }> {
  const name = normalizeUsername(username);
  const rows = await tx
    .select()
    .from(users)
    .where(
      or(
        name ? eq(users.username, name) : undefined,
        and(eq(users.role, "admin"), isNull(users.disabledAt)),
      ),
    )
    .orderBy(users.id)
    .for("update");
  // The column's collation is accent- and case-insensitive: only the exact name counts.
  const user = rows.find((row) => row.username === name);
  if (!user) throw new AppError("NOT_FOUND", `There is no user "${username}"`);
  const enabledAdminIds = rows
    .filter((row) => row.role === "admin" && !row.disabledAt)
    .map((row) => row.id);
  return { user, enabledAdminIds };
}

/** 409 when the change would leave no enabled administrator (`what`: "disable", "delete"...). */
export function keepAnAdmin(
  locked: { user: User; enabledAdminIds: number[] },
  stillAdmin: boolean,
  what: string,
): void {
  const { user, enabledAdminIds } = locked;
  if (stillAdmin || !enabledAdminIds.includes(user.id)) return;
  if (enabledAdminIds.some((id) => id !== user.id)) return;
  throw new AppError(
    "CONFLICT",
    `Cannot ${what} "${user.username}": it is the last enabled administrator. Make another user an administrator first.`,
  );
}

/** The latest token use of each of these users. */
export async function lastTokenUses(
  ctx: Pick<AppContext, "db">,
  userIds?: number[],
): Promise<Map<number, Date>> {
  const query = ctx.db
    .select({ userId: apiTokens.userId, at: max(apiTokens.lastUsedAt) })
    .from(apiTokens)
    .groupBy(apiTokens.userId);
  const rows =
    userIds && userIds.length === 1
      ? await query.where(eq(apiTokens.userId, userIds[0]!))
      : await query;
  return new Map(rows.flatMap((row) => (row.at ? [[row.userId, row.at] as const] : [])));
}

/** A user as the API shows it: never the password hash. */
export function toUserView(row: User, lastTokenUseAt: Date | null = null): UserView {
  return {
    username: row.username,
    email: row.email,
    role: row.role,
    disabled: row.disabledAt !== null,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    maxRunningRuns: row.maxRunningRuns,
    createdAt: row.createdAt.toISOString(),
    lastTokenUseAt: lastTokenUseAt?.toISOString() ?? null,
  };
}
