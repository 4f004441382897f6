import { and, eq, isNull } from "drizzle-orm";
import { users } from "@/db/schema";
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
  const { username, password } = options;
  if (!ctx.signInThrottle.allow(username)) return null;
  const [user] = await ctx.db
    .select({ id: users.id, username: users.username, role: users.role, hash: users.passwordHash })
    .from(users)
    .where(and(eq(users.username, username), isNull(users.disabledAt)))
    .limit(1);
  if (!(await verifyPassword(user?.hash ?? null, password)) || !user) {
    ctx.signInThrottle.fail(username);
    return null;
  }
  ctx.signInThrottle.succeed(username);
  return { userId: user.id, username: user.username, role: user.role, via: "password" };
}
