import { and, eq, isNull } from "drizzle-orm";
import { users } from "@/db/schema";
import { normalizeUsername } from "@/lib/username";
import { recordSignIn } from "../audit/record-sign-in";
import type { AppContext } from "../context";
import { verifyPassword } from "./passwords";
import type { Principal } from "./principal";

/**
 * What a password check came to: the user, a wrong username or password (the two are not
 * told apart), or refused before any check because of too many failures (429, Retry-After).
 */
export type PasswordCheck =
  | { outcome: "ok"; principal: Principal }
  | {
      outcome: "wrong";
      /** the user the name belongs to, if any (for the audit log) */ userId?: number;
    }
  | { outcome: "limited"; retryAfterSeconds: number };

const SIGN_IN_OUTCOMES = { ok: "ok", wrong: "failed", limited: "locked" } as const;

/** The subject of the limits for names no user can have: one key, never a user's. */
const INVALID_NAME = "(invalid)";

/**
 * Checks a username and password, within the password guessing limits
 * (ctx.signInThrottle) shared by the sign-in form and Basic: Basic is no way around them.
 * `address` is the client's (server/http/client-info.ts): the limits block the attacker's
 * address, not the user. Every outcome of the sign-in form goes to the audit log; of Basic
 * (`via: "password"`), only failures and refusals (an `ok` per API request would drown it).
 */
export async function checkPassword(
  ctx: Pick<AppContext, "db" | "log" | "signInThrottle">,
  options: { username: string; password: string; address: string; via: "sign-in" | "password" },
): Promise<PasswordCheck> {
  const { password, address, via } = options;
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
  if (via === "sign-in" || result.outcome !== "ok") {
    await recordSignIn(ctx, {
      username: options.username,
      userId:
        result.outcome === "ok"
          ? result.principal.userId
          : result.outcome === "wrong"
            ? (result.userId ?? null)
            : null,
      outcome: SIGN_IN_OUTCOMES[result.outcome],
      ip: address,
      via,
      ...(result.outcome === "limited" ? { reason: "too many failed attempts" } : {}),
    });
  }
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
  if (!(await verifyPassword(user?.hash ?? null, password)) || !user) {
    return user ? { outcome: "wrong", userId: user.id } : { outcome: "wrong" };
  }
  return {
    outcome: "ok",
    principal: { userId: user.id, username: user.username, role: user.role, via: "password" },
  };
}
