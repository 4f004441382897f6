/**
 * Slows down password guessing on the sign-in form: after 5 failures for a username,
 * further attempts are refused for a minute (doubling up to 15 minutes). In memory,
 * per web process.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, { count: number; blockedUntil: number }>();

  allow(username: string, now = Date.now()): boolean {
    const entry = this.failures.get(username.toLowerCase());
    return !entry || entry.blockedUntil <= now;
  }

  fail(username: string, now = Date.now()): void {
    const key = username.toLowerCase();
    const entry = this.failures.get(key) ?? { count: 0, blockedUntil: 0 };
    entry.count++;
    if (entry.count >= 5)
      entry.blockedUntil = now + Math.min(60_000 * 2 ** (entry.count - 5), 15 * 60_000);
    if (this.failures.size > 50_000) this.failures.clear();
    this.failures.set(key, entry);
  }

  succeed(username: string): void {
    this.failures.delete(username.toLowerCase());
  }
}
