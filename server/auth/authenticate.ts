import { and, eq, gt, isNull, or } from "drizzle-orm";
import { apiTokens, users } from "@/db/schema";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { checkPassword } from "./check-password";
import type { Principal } from "./principal";
import { hashToken, looksLikeToken } from "./tokens";

export const BASIC_CHALLENGE = 'Basic realm="Runport"';

export function unauthorized(detail: string): AppError {
  return new AppError("UNAUTHORIZED", detail, { headers: { "WWW-Authenticate": BASIC_CHALLENGE } });
}

async function principalFromToken(
  ctx: AppContext,
  token: string,
  username?: string,
): Promise<Principal | null> {
  const now = new Date();
  const [row] = await ctx.db
    .select({
      tokenId: apiTokens.id,
      lastUsedAt: apiTokens.lastUsedAt,
      userId: users.id,
      username: users.username,
      role: users.role,
      scope: apiTokens.scope,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(token)),
        isNull(apiTokens.revokedAt),
        isNull(users.disabledAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ),
    )
    .limit(1);
  if (!row || (username !== undefined && row.username !== username)) return null;
  // Record use at most every five minutes: a write per API call would cost more than the call.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 5 * 60_000) {
    await ctx.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId));
  }
  const principal: Principal = {
    userId: row.userId,
    username: row.username,
    role: row.role,
    via: "token",
  };
  if (row.scope === "events:write") principal.scope = row.scope;
  return principal;
}

async function principalFromPassword(
  ctx: AppContext,
  options: Omit<Parameters<typeof checkPassword>[1], "via">,
): Promise<Principal | null> {
  const check = await checkPassword(ctx, { ...options, via: "password" });
  if (check.outcome === "limited") throw tooManyAttempts(check.retryAfterSeconds);
  return check.outcome === "ok" ? check.principal : null;
}

function decodeBasic(value: string): { username: string; secret: string } {
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) throw unauthorized("Basic credentials must be base64 of username:password");
  return { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** 429 with Retry-After: a password refused unchecked by the guessing limits. */
export function tooManyAttempts(retryAfterSeconds: number): AppError {
  return new AppError(
    "RATE_LIMITED",
    `Too many wrong passwords: try again in ${retryAfterSeconds} s, or use an API token`,
    { headers: { "Retry-After": String(retryAfterSeconds) } },
  );
}

/**
 * Authenticates `Authorization: Basic` (password or API token as the password) or
 * `Authorization: Bearer <token>`. Returns null when the header is absent; throws 401
 * when credentials are present but wrong, 429 when a password may not be tried now.
 * `address` is the client's (server/http/client-info.ts), for the password limits.
 */
export async function authenticateHeader(
  ctx: AppContext,
  header: string | null,
  address = "unknown",
): Promise<Principal | null> {
  if (!header) return null;
  const space = header.indexOf(" ");
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  const cache = ctx.caches.credentials;
  if (scheme === "bearer") {
    const key = cache.key("bearer", "", value);
    const cached = cache.get(key);
    if (cached) return cached; // never refreshed on a hit: a revoked token expires from the cache
    const principal = looksLikeToken(value) ? await principalFromToken(ctx, value) : null;
    if (!principal) throw unauthorized("The bearer token is unknown, revoked or expired");
    cache.set(key, principal);
    return principal;
  }
  if (scheme !== "basic") throw unauthorized(`Unsupported authorization scheme "${scheme}"`);
  const { username, secret } = decodeBasic(value);
  const key = cache.key("basic", username, secret);
  const cached = cache.get(key);
  if (cached) return cached;
  const principal = looksLikeToken(secret)
    ? await principalFromToken(ctx, secret, username)
    : await principalFromPassword(ctx, { username, password: secret, address });
  if (!principal) throw unauthorized("Wrong username, password or token");
  cache.set(key, principal);
  return principal;
}
