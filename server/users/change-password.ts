import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { users } from "@/db/schema";
import { tooManyAttempts } from "../auth/authenticate";
import { MIN_PASSWORD_LENGTH, hashPassword, verifyPassword } from "../auth/passwords";
import type { Principal } from "../auth/principal";
import { recordAudit, type AuditEvent } from "../audit/record-audit";
import type { AppContext } from "../context";
import { AppError, parseWith } from "../errors";
import { revokeUserAccess } from "./revoke-user-access";

/** Body of `POST /api/v1/account/password`. */
export const ZChangePasswordRequest = z
  .strictObject({
    currentPassword: z
      .string({ error: "is required: your current password" })
      .min(1, "is required: your current password")
      .max(1024, "must be at most 1024 characters"),
    newPassword: z
      .string({ error: "is required" })
      .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
      .max(1024, "must be at most 1024 characters"),
  })
  .refine((body) => body.newPassword !== body.currentPassword, {
    path: ["newPassword"],
    message: "must differ from the current password",
  });
export type TChangePasswordRequest = z.input<typeof ZChangePasswordRequest>;

// A stolen session must not become a way to guess the password: wrong current passwords
// count in the password guessing limits (ctx.signInThrottle) under `uid:<id>` and the
// caller's address, as on the sign-in form: 429 with Retry-After when refused.

/**
 * Changes the caller's password (POST /api/v1/account/password). 422 when a field is
 * invalid or the current password is wrong (nothing changes); 429 after too many wrong
 * current passwords. The new password is stored as argon2id; browser sessions signed in
 * before it end, and every web process forgets the user's cached credentials and session
 * user at once (revokeUserAccess: the user's live views end too). API tokens stay valid.
 */
export async function changePassword(
  ctx: AppContext,
  options: { principal: Principal; ip?: string } & TChangePasswordRequest,
): Promise<void> {
  const input = parseWith(ZChangePasswordRequest, {
    currentPassword: options.currentPassword,
    newPassword: options.newPassword,
  });
  const { userId } = options.principal;
  const throttle = ctx.signInThrottle;
  const audit = (outcome: AuditEvent["outcome"], reason?: string) =>
    recordAudit(ctx, {
      action: "password.change",
      outcome,
      actor: options.principal,
      ip: options.ip ?? null,
      target: { type: "user", id: options.principal.username },
      details: reason ? { reason } : {},
    });
  const admission = await throttle.admit({
    subject: `uid:${userId}`,
    address: options.ip ?? "unknown",
  });
  if (!admission.admitted) {
    await audit("locked", "too many wrong current passwords");
    throw tooManyAttempts(admission.retryAfterSeconds);
  }
  const [user] = await ctx.db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)))
    .limit(1);
  if (!user) throw new AppError("NOT_FOUND", "Your account no longer exists or is disabled");
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await throttle.failed(admission.ticket);
    await audit("failed", "wrong current password");
    throw new AppError("VALIDATION_FAILED", "The current password is wrong: nothing was changed", {
      errors: [{ path: "/currentPassword", message: "is wrong" }],
    });
  }
  await throttle.succeeded(admission.ticket);
  // Conditional on the hash just verified: of two concurrent changes, only one wins.
  const [result] = await ctx.db
    .update(users)
    .set({
      passwordHash: await hashPassword(input.newPassword),
      passwordChangedAt: new Date(),
      updatedAt: new Date(),
    })
    .where(and(eq(users.id, userId), eq(users.passwordHash, user.passwordHash)));
  if (result.affectedRows !== 1) {
    throw new AppError("CONFLICT", "The password was changed meanwhile: nothing was changed");
  }
  await revokeUserAccess(ctx, userId);
  await audit("ok");
}
