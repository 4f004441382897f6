import type { Redis } from "ioredis";

// Renew only if we still hold it: compare-and-extend, atomically.
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * A Redis lease that makes exactly one beat active: SET NX PX to take it, a
 * compare-and-pexpire to keep it, and expiry so a crashed beat is replaced within ttl.
 */
export class LeaderLock {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes the lease if free, or extends it if ours; true while we lead. */
  async hold(): Promise<boolean> {
    if ((await this.redis.eval(RENEW, 1, this.key, this.owner, String(this.ttlMs))) === 1) {
      return true;
    }
    return (await this.redis.set(this.key, this.owner, "PX", this.ttlMs, "NX")) === "OK";
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.owner);
  }
}
