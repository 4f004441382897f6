import { eq } from "drizzle-orm";
import { apiTokens, users } from "@/db/schema";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { generateToken, hashToken, TOKEN_PREFIX } from "../auth/tokens";

/** Creates an API token for a user and returns it: the only time it can be seen. */
export async function createApiToken(
  ctx: Pick<AppContext, "db">,
  options: { username: string; name: string; expiresAt?: Date },
): Promise<{ id: number; token: string; name: string }> {
  const [user] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.username, options.username));
  if (!user) throw new AppError("NOT_FOUND", `There is no user "${options.username}"`);
  const token = generateToken();
  const [result] = await ctx.db.insert(apiTokens).values({
    userId: user.id,
    name: options.name.slice(0, 100),
    tokenHash: hashToken(token),
    tokenPrefix: token.slice(0, TOKEN_PREFIX.length + 6),
    expiresAt: options.expiresAt ?? null,
  });
  return { id: result.insertId, token, name: options.name };
}
