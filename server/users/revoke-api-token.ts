import { and, eq, isNull } from "drizzle-orm";
import { apiTokens } from "@/db/schema";
import type { ApiTokenView } from "@/lib/contract/account";
import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { toApiTokenView } from "./api-token-view";
import { revokeUserAccess } from "./revoke-user-access";

/**
 * Revokes one of the caller's own tokens (DELETE /api/v1/tokens/{id}). Another user's
 * token or an unknown id is a 404 (no hint that it exists). Revoking twice keeps the
 * first revocation time and succeeds. Every web process forgets the user's cached
 * credentials at once (the users channel; should Redis not carry it, within
 * AUTH_CACHE_SECONDS), and the user's live views opened with a token end (which token opened
 * them is not kept); browser views stay open.
 */
export async function revokeApiToken(
  ctx: AppContext,
  options: { principal: Principal; tokenId: string | number; ip?: string },
): Promise<ApiTokenView> {
  const id = String(options.tokenId);
  const notFound = new AppError("NOT_FOUND", `You have no API token with id "${id}"`);
  if (!/^[1-9][0-9]{0,15}$/.test(id)) throw notFound;
  const mine = and(eq(apiTokens.id, Number(id)), eq(apiTokens.userId, options.principal.userId));
  const [revoked] = await ctx.db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(mine, isNull(apiTokens.revokedAt)));
  const [row] = await ctx.db.select().from(apiTokens).where(mine).limit(1);
  if (!row) throw notFound;
  await revokeUserAccess(ctx, options.principal.userId, { only: "credentials" });
  if (revoked.affectedRows === 1) {
    await recordAudit(ctx, {
      action: "token.revoke",
      actor: options.principal,
      ip: options.ip ?? null,
      target: { type: "token", id: row.id },
      details: { name: row.name },
    });
  }
  return toApiTokenView(row);
}
