import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import type { AppContext } from "../context";
import { createUser } from "./create-user";

/**
 * Seeds the first admin when the users table has none. Returns the password when it
 * was generated (the caller prints it once), or null when nothing was created.
 */
export async function ensureAdmin(
  ctx: Pick<AppContext, "db" | "log">,
  options: { username: string; password?: string },
): Promise<{ username: string; password: string | null } | null> {
  const [admin] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.role, "admin"))
    .limit(1);
  if (admin) return null;
  const created = await createUser(ctx, {
    username: options.username,
    role: "admin",
    ...(options.password ? { password: options.password } : {}),
  });
  return { username: created.username, password: created.generated ? created.password : null };
}
