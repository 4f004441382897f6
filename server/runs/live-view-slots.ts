import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/** Live views (SSE log streams) one user may hold open, across every web process. */
export const MAX_LIVE_VIEWS_PER_USER = 20;
/** A view's lease in Redis: renewed while it is open, gone this long after its process died. */
const LEASE_MS = 30_000;

// KEYS[1] the user's sorted set; ARGV: lease ms, limit, member. Redis's clock, not the
// callers': web processes on several machines need not agree on the time.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;
// KEYS[1] the user's sorted set; ARGV: lease ms, then the members this process still holds.
const RENEW = `
local t = redis.call('TIME')
local until_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], until_ms, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

/** One open live view: its member in the user's set, or null when counted in memory only. */
export interface LiveViewSlot {
  userId: number;
  member: string | null;
}

/**
 * Counts the live views each user holds open, in Redis, so that the limit holds per user
 * whichever web process serves each view: one sorted set per user, one member per view,
 * scored by when its lease ends. This process renews the leases of its views every
 * lease/3 and removes a view's member when it ends; the members of a process that died
 * expire with their lease. While Redis does not answer, views are counted in this process's
 * memory against the same limit (what one process held before; a view so opened is not
 * in Redis and is not counted by the others).
 */
export class LiveViewSlots {
  /** This process's open views per user (both kinds). */
  private readonly counts = new Map<number, number>();
  /** This process's members in Redis, per user. */
  private readonly members = new Map<number, Set<string>>();
  private readonly processId = randomUUID();
  private next = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly keyOf: (userId: number) => string,
    readonly limit = MAX_LIVE_VIEWS_PER_USER,
    private readonly leaseMs = LEASE_MS,
  ) {}

  /** A slot for a new view of the user's, or null when the user holds `limit` already. */
  async acquire(userId: number): Promise<LiveViewSlot | null> {
    const member = `${this.processId}:${++this.next}`;
    let taken: boolean | null = null; // null: Redis did not answer
    if (this.redis.status === "ready") {
      taken = await this.redis
        .eval(ACQUIRE, 1, this.keyOf(userId), this.leaseMs, this.limit, member)
        .then((answer) => answer === 1)
        .catch(() => null);
    }
    if (taken === false) return null;
    if (taken === null && this.held(userId) >= this.limit) return null;
    this.counts.set(userId, this.held(userId) + 1);
    if (!taken) return { userId, member: null };
    const set = this.members.get(userId) ?? new Set<string>();
    set.add(member);
    this.members.set(userId, set);
    this.timer ??= setInterval(() => void this.renew(), this.leaseMs / 3).unref();
    return { userId, member };
  }

  /** The view ended: its slot is free at once in every process. Call once per slot. */
  release(slot: LiveViewSlot): void {
    const left = this.held(slot.userId) - 1;
    if (left > 0) this.counts.set(slot.userId, left);
    else this.counts.delete(slot.userId);
    if (slot.member === null) return;
    const set = this.members.get(slot.userId);
    set?.delete(slot.member);
    if (set?.size === 0) this.members.delete(slot.userId);
    if (this.members.size === 0) this.stopRenewing();
    // Not removed (Redis away): the member's lease ends it.
    void this.redis.zrem(this.keyOf(slot.userId), slot.member).catch(() => undefined);
  }

  /** The user's views open in this process. */
  held(userId: number): number {
    return this.counts.get(userId) ?? 0;
  }

  /** The user's views open in all processes, as Redis counts them (unexpired leases). */
  async heldEverywhere(userId: number): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    return this.redis.zcount(this.keyOf(userId), now, "+inf");
  }

  private async renew(): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const [userId, set] of this.members)
      pipeline.eval(RENEW, 1, this.keyOf(userId), this.leaseMs, ...set);
    // Failed (Redis away): renewed on the next round, or expired if Redis stays away that long.
    await pipeline.exec().catch(() => undefined);
  }

  private stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The process stops: its members are removed (best effort; else their leases end them). */
  async close(): Promise<void> {
    this.stopRenewing();
    const pipeline = this.redis.pipeline();
    for (const [userId, set] of this.members) pipeline.zrem(this.keyOf(userId), ...set);
    this.members.clear();
    this.counts.clear();
    await pipeline.exec().catch(() => undefined);
  }
}
