import { createHmac } from "node:crypto";
import type { Principal } from "./principal";

/**
 * Verified Basic credentials, kept for a short time so that a script's every request
 * does not pay for argon2. Keys are an HMAC of the credential under AUTH_SECRET, so the
 * cache never holds a password or token, and a memory dump does not reveal them.
 */
export class CredentialCache {
  private readonly entries = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  key(kind: string, username: string, secret: string): string {
    return createHmac("sha256", this.secret)
      .update(`${kind}\0${username}\0${secret}`)
      .digest("base64url");
  }

  get(key: string, now = Date.now()): Principal | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.principal;
  }

  set(key: string, principal: Principal, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { principal, expiresAt: now + this.ttlMs });
  }

  /** Forgets every entry of a user (password change, token revoked, user disabled). */
  forgetUser(userId: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.principal.userId === userId) this.entries.delete(key);
    }
  }
}
