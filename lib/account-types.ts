/** The shapes of the account API (tokens, password), shared by the server and the account page. */

/** active: usable; expired: past expiresAt; revoked: revoked by its owner (never usable again). */
export type ApiTokenStatus = "active" | "expired" | "revoked";

/** A token as GET /api/v1/tokens lists it: never the token itself nor its hash. */
export interface ApiTokenView {
  id: number;
  name: string;
  /** The token's first characters (`rp_` + 6), to recognise it. */
  prefix: string;
  createdAt: string;
  /** Updated at most every five minutes. */
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  status: ApiTokenStatus;
}

export interface ApiTokenList {
  items: ApiTokenView[];
}

/** The answer of POST /api/v1/tokens: the only time `token` is shown. */
export interface CreatedApiToken {
  id: number;
  name: string;
  token: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
}
