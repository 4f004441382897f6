import type { ApiToken } from "@/db/schema";
import type { ApiTokenStatus, ApiTokenView } from "@/lib/contract/account";

/** What a token's row says about it now: revoked wins over expired. */
export function tokenStatus(
  row: Pick<ApiToken, "revokedAt" | "expiresAt">,
  now = new Date(),
): ApiTokenStatus {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

/** A token row as the API shows it: never the hash. */
export function toApiTokenView(row: ApiToken, now = new Date()): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.tokenPrefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    status: tokenStatus(row, now),
    scope: row.scope === "events:write" ? row.scope : null,
  };
}
