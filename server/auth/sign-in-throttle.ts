import type { AppContext } from "../context";

const MAX_ENTRIES = 50_000;

/**
 * Slows down password guessing: after 5 failures for a key (a username), further
 * attempts are refused for a minute, doubling up to 15 minutes. In memory, per web
 * process; when full, the oldest entries go first (an attacker cannot wipe the
 * lockouts by failing with many made-up names).
 */
export class SignInThrottle {
  private readonly failures = new Map<string, { count: number; blockedUntil: number }>();

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
    this.failures.delete(k); // re-inserted last: the map's order is the age of the last failure
    this.failures.set(k, entry);
    while (this.failures.size > MAX_ENTRIES) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  succeed(key: string): void {
    this.failures.delete(key.toLowerCase());
  }
}

const throttles = new WeakMap<object, SignInThrottle>();

/** The password throttle of this process: sign-in form, Basic with a password, password change. */
export function passwordThrottle(ctx: Pick<AppContext, "config">): SignInThrottle {
  let throttle = throttles.get(ctx);
  if (!throttle) throttles.set(ctx, (throttle = new SignInThrottle()));
  return throttle;
}
