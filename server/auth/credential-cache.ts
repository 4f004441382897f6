import { createHmac } from "node:crypto";
import { TtlCache } from "../cache";
import type { Principal } from "./principal";

/**
 * Verified Basic credentials, kept for a short time so that a script's every request
 * does not pay for argon2. Keys are an HMAC of the credential under AUTH_SECRET, so the
 * cache never holds a password or token, and a memory dump does not reveal them.
 */
export class CredentialCache extends TtlCache<string, Principal> {
  constructor(
    private readonly secret: string,
    ttlMs: number,
    maxEntries = 10_000,
  ) {
    super({ ttlMs, maxEntries });
  }

  key(kind: string, username: string, secret: string): string {
    return createHmac("sha256", this.secret)
      .update(`${kind}\0${username}\0${secret}`)
      .digest("base64url");
  }

  /** Forgets every entry of a user (password change, token revoked, user disabled). */
  forgetUser(userId: number): void {
    this.clear((principal) => principal.userId === userId);
  }
}
