import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "@/db/schema";
import { USER_ROLES } from "@/lib/roles";
import { USERNAME_PATTERN } from "@/lib/username";
import { MIN_PASSWORD_LENGTH, hashPassword } from "../auth/passwords";
import { recordAudit, type AuditActor } from "../audit/record-audit";
import type { AppContext } from "../context";
import { AppError, parseWith } from "../errors";

export const ZUsername = z
  .string()
  .regex(USERNAME_PATTERN, "2-64 characters: lowercase letters, digits, . _ -");

export const ZCreateUserRequest = z.object({
  username: ZUsername,
  role: z.enum(USER_ROLES).default("submitter"),
  email: z.string().email().optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1024).optional(),
});
export type TCreateUserRequest = z.input<typeof ZCreateUserRequest>;

/** A password people can type: 20 base64url characters (120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}

/**
 * Creates a user; without a password one is generated and returned (shown once). `by`:
 * who creates it, for the audit log (default: the command line).
 */
export async function createUser(
  ctx: Pick<AppContext, "db" | "log">,
  request: TCreateUserRequest,
  by: { actor: AuditActor; ip?: string | null } = { actor: "cli" },
): Promise<{ id: number; username: string; password: string; generated: boolean }> {
  const input = parseWith(ZCreateUserRequest, request);
  const [existing] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.username, input.username));
  if (existing) throw new AppError("CONFLICT", `The user "${input.username}" already exists`);
  const password = input.password ?? generatePassword();
  const [result] = await ctx.db.insert(users).values({
    username: input.username,
    role: input.role,
    email: input.email ?? null,
    passwordHash: await hashPassword(password),
  });
  await recordAudit(ctx, {
    action: "user.create",
    actor: by.actor,
    ip: by.ip ?? null,
    target: { type: "user", id: input.username },
    details: { role: input.role },
  });
  return { id: result.insertId, username: input.username, password, generated: !input.password };
}
