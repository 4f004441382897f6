import { desc, eq } from "drizzle-orm";
import { apiTokens } from "@/db/schema";
import type { ApiTokenList } from "@/lib/contract/account";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { toApiTokenView } from "./api-token-view";

/**
 * The caller's own API tokens, newest first, revoked and expired ones included (the
 * page greys them). Every role may list its own; nobody sees another user's tokens here.
 */
export async function listApiTokens(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal },
): Promise<ApiTokenList> {
  const rows = await ctx.db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.userId, options.principal.userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  const now = new Date();
  return { items: rows.map((row) => toApiTokenView(row, now)) };
}
