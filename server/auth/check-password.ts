import { and, eq, isNull } from "drizzle-orm";
import { users } from "@/db/schema";
import { normalizeUsername } from "@/lib/username";
import type { AppContext } from "../context";
import { verifyPassword } from "./passwords";
import type { Principal } from "./principal";

/**
 * What a password check came to: the user, a wrong username or password (the two are not
 * told apart), or refused before any check because of too many failures (429, Retry-After).
 */
export type PasswordCheck =
  | { outcome: "ok"; principal: Principal }
  | { outcome: "wrong" }
  | { outcome: "limited"; retryAfterSeconds: number };

/** The subject of the limits for names no user can have: one key, never a user's. */
const INVALID_NAME = "(invalid)";

/**
 * Checks a username and password, within the password guessing limits
 * (ctx.signInThrottle) shared by the sign-in form and Basic: Basic is no way around them.
 * `address` is the client's (server/http/client-info.ts): the limits block the attacker's
 * address, not the user.
 */
export async function checkPassword(
  ctx: Pick<AppContext, "db" | "signInThrottle">,
  options: { username: string; password: string; address: string },
): Promise<PasswordCheck> {
  const { password, address } = options;
  // Limited and looked up under the one form a name can have: variants are one name.
  const username = normalizeUsername(options.username);
  const admission = await ctx.signInThrottle.admit({ subject: username ?? INVALID_NAME, address });
  const result = admission.admitted
    ? await verify(ctx, username, password)
    : ({ outcome: "limited", retryAfterSeconds: admission.retryAfterSeconds } as const);
  if (admission.admitted) {
    if (result.outcome === "ok") await ctx.signInThrottle.succeeded(admission.ticket);
    else await ctx.signInThrottle.failed(admission.ticket);
  }
  // The outcome is known here, for every way in (form, Basic): the place to record it.
  return result;
}

async function verify(
  ctx: Pick<AppContext, "db">,
  username: string | null,
  password: string,
): Promise<PasswordCheck> {
  const [user] = username
    ? await ctx.db
        .select({
          id: users.id,
          username: users.username,
          role: users.role,
          hash: users.passwordHash,
        })
        .from(users)
        .where(and(eq(users.username, username), isNull(users.disabledAt)))
        .limit(1)
    : [];
  // An unknown name, or one no user can have, costs the same hash as a wrong password
  // (and the same limits' bookkeeping after it): the time tells nothing.
  if (!(await verifyPassword(user?.hash ?? null, password)) || !user) return { outcome: "wrong" };
  return {
    outcome: "ok",
    principal: { userId: user.id, username: user.username, role: user.role, via: "password" },
  };
}
