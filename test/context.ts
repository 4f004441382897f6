import { randomBytes, randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { createAppContext, type AppContext } from "@/server/context";
import { loadConfig, type Config } from "@/server/env";
import { principalOf, type Principal } from "./principal";
import { createApiToken } from "@/server/users/create-api-token";
import { createUser } from "@/server/users/create-user";
import type { UserRole } from "@/lib/roles";

/** A context on this test file's database and key prefix (see setup-env.ts). */
export function createTestContext(overrides: Partial<Config> = {}): AppContext {
  return createAppContext({ ...loadConfig(process.env), ...overrides }, "test");
}

export interface TestUser {
  username: string;
  password: string;
  token: string;
  principal: Principal;
}

/** A fresh user with a password and an API token. */
export async function createTestUser(
  ctx: AppContext,
  role: UserRole = "submitter",
): Promise<TestUser> {
  const username = `${role}-${randomBytes(4).toString("hex")}`;
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const user = await createUser(ctx, { username, role, password });
  const { token } = await createApiToken(ctx, { username, name: "test" });
  return { username, password, token, principal: principalOf(user.id, username, role) };
}

export function basicAuth(username: string, secret: string): string {
  return `Basic ${Buffer.from(`${username}:${secret}`).toString("base64")}`;
}

/**
 * The value of a browser session cookie for `userId`, as next-auth makes it at sign-in (our
 * `sid` and `signedInAt` claims); `iat` is when next-auth last re-issued it.
 */
export async function sessionToken(
  ctx: Pick<AppContext, "config">,
  userId: number,
  times: { signedInAt?: number; iat?: number; sid?: string } = {},
): Promise<string> {
  const signedInAt = times.signedInAt ?? Date.now();
  return encode({
    token: {
      uid: userId,
      name: "x",
      sid: times.sid ?? randomUUID(),
      signedInAt: Math.floor(signedInAt / 1000),
      iat: Math.floor((times.iat ?? signedInAt) / 1000),
    },
    secret: ctx.config.authSecret,
  });
}
