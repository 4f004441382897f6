import { createHmac } from "node:crypto";
import { TtlCache } from "../cache";
import type { Principal } from "./principal";

/**
 * After a user's access is revoked, nothing about that user is cached for this long: a
 * request that read the user (and verified a password) just before the revocation must
 * not put what it read back into the cache. Longer than any such read takes.
 */
export const REVOKED_HOLD_MS = 10_000;

interface UserCacheOptions<K, V> {
  ttlMs: number;
  maxEntries?: number;
  /** The user an entry is about. */
  userOf: (key: K, value: V) => number;
  /** Called before an entry is stored: the process starts listening for revocations. */
  beforeStore?: () => void;
}

/**
 * What a process keeps about users for a short while (verified credentials, a session's
 * user). A revocation (user disabled, deleted, role changed) empties one user's entries at
 * once; every web process does it on the users channel (runs/run-notifications.ts).
 */
export class UserCache<K, V> extends TtlCache<K, V> {
  private readonly revoked = new TtlCache<number, true>({
    ttlMs: REVOKED_HOLD_MS,
    maxEntries: 10_000,
  });

  constructor(private readonly userOptions: UserCacheOptions<K, V>) {
    super({ ttlMs: userOptions.ttlMs, maxEntries: userOptions.maxEntries ?? 10_000 });
  }

  override set(key: K, value: V, now = Date.now()): void {
    if (this.userOptions.ttlMs <= 0) return;
    if (this.revoked.get(this.userOptions.userOf(key, value))) return;
    this.userOptions.beforeStore?.();
    super.set(key, value, now);
  }

  /** Forgets every entry of a user (password change, token revoked, user disabled). */
  forgetUser(userId: number): void {
    this.revoked.set(userId, true);
    this.clear((value, key) => this.userOptions.userOf(key, value) === userId);
  }
}

/**
 * Verified Basic credentials, kept for a short time so that a script's every request
 * does not pay for argon2. Keys are an HMAC of the credential under AUTH_SECRET, so the
 * cache never holds a password or token, and a memory dump does not reveal them.
 */
export class CredentialCache extends UserCache<string, Principal> {
  constructor(
    private readonly secret: string,
    ttlMs: number,
    options: { maxEntries?: number; beforeStore?: () => void } = {},
  ) {
    super({ ttlMs, ...options, userOf: (_key, principal) => principal.userId });
  }

  key(kind: string, username: string, secret: string): string {
    return createHmac("sha256", this.secret)
      .update(`${kind}\0${username}\0${secret}`)
      .digest("base64url");
  }
}
