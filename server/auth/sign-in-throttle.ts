import { TtlCache } from "../cache";

/**
 * Slows down password guessing: after 5 failures for a key (a username), further
 * attempts are refused for a minute, doubling up to 15 minutes. In memory, per web
 * process (ctx.signInThrottle: sign-in form, Basic with a password, password change);
 * when full, the entries failed longest ago go first (an attacker cannot wipe the
 * lockouts by failing with many made-up names).
 */
export class SignInThrottle {
  private readonly failures = new TtlCache<string, { count: number; blockedUntil: number }>({
    ttlMs: Infinity,
    maxEntries: 50_000,
  });

  allow(key: string, now = Date.now()): boolean {
    const entry = this.failures.get(key.toLowerCase());
    return !entry || entry.blockedUntil <= now;
  }

  fail(key: string, now = Date.now()): void {
    const k = key.toLowerCase();
    const entry = this.failures.get(k) ?? { count: 0, blockedUntil: 0 };
    entry.count++;
    if (entry.count >= 5)
      entry.blockedUntil = now + Math.min(60_000 * 2 ** (entry.count - 5), 15 * 60_000);
    this.failures.set(k, entry);
  }

  succeed(key: string): void {
    this.failures.delete(key.toLowerCase());
  }
}
