import { createHash, randomBytes } from "node:crypto";

/** API tokens look like `rp_` + 43 base64url characters (256 random bits). */
export const TOKEN_PREFIX = "rp_";

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

export function looksLikeToken(secret: string): boolean {
  return secret.startsWith(TOKEN_PREFIX) && secret.length === TOKEN_PREFIX.length + 43;
}

/** Tokens are stored only as their SHA-256 (they are long and random: no slow hash needed). */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
