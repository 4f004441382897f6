import { and, eq, isNull } from "drizzle-orm";
import { users } from "@/db/schema";
import { normalizeUsername } from "@/lib/username";
import type { AppContext } from "../context";
import { verifyPassword } from "./passwords";
import type { Principal } from "./principal";

/**
 * The active user with this username and password, or null. Throttled per username
 * (ctx.signInThrottle) for the sign-in form and Basic alike: Basic is no way around it.
 */
export async function checkPassword(
  ctx: Pick<AppContext, "db" | "signInThrottle">,
  options: { username: string; password: string },
): Promise<Principal | null> {
  const { password } = options;
  // Throttled and looked up under the one form a name can have: variants are one name.
  const username = normalizeUsername(options.username);
  const key = username ?? options.username;
  if (!ctx.signInThrottle.allow(key)) return null;
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
  // A name no user can have costs the same hash as a wrong password.
  if (!(await verifyPassword(user?.hash ?? null, password)) || !user) {
    ctx.signInThrottle.fail(key);
    return null;
  }
  ctx.signInThrottle.succeed(key);
  return { userId: user.id, username: user.username, role: user.role, via: "password" };
}
