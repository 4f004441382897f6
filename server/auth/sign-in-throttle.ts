import { once } from "node:events";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import {
  SIGN_IN_LIMITS,
  addressBlocked,
  addressKey,
  nameSpacingSeconds,
  pairBlockSeconds,
  retryAfterSeconds,
} from "./sign-in-policy";

/** One password check: whose password (a username, or `uid:N` for a password change), from where. */
export interface SignInAttempt {
  subject: string;
  address: string;
}

/** An admitted attempt, counted as a failure until it succeeds (see admit). */
export interface SignInTicket {
  attempt: SignInAttempt;
  pairFailures: number;
  addressFailures: number | null;
  nameFailures: number | null;
}

export type Admission =
  { admitted: true; ticket: SignInTicket } | { admitted: false; retryAfterSeconds: number };

/** The longest a setTimeout can wait, in seconds. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A Redis limiter and the limiter in memory it falls back to. */
type InsuredLimiter = RateLimiterRedis & { readonly inMemory: RateLimiterMemory };

/**
 * A Redis limiter with the same limiter in memory as insurance, used at once while the
 * connection is not ready (rather than after ioredis's retry, a second per command).
 */
function limiter(redis: Redis, keyPrefix: string, duration: number): InsuredLimiter {
  const options = { keyPrefix, points: 1, duration };
  // The memory limiter expires keys with setTimeout, which takes at most 2^31 - 1 ms (24.8
  // days); longer (the 30 days of known addresses) would fire after 1 ms, with a warning.
  const inMemory = new RateLimiterMemory({
    ...options,
    duration: Math.min(duration, MAX_TIMER_SECONDS),
  });
  const store = new RateLimiterRedis({
    ...options,
    storeClient: redis,
    rejectIfRedisNotReady: true,
    insuranceLimiter: inMemory,
  });
  return Object.assign(store, { inMemory });
}

/**
 * Deletes a key where the limiter counts now. rate-limiter-flexible sends DEL whatever the
 * connection's state (rejectIfRedisNotReady covers counting only): with Redis down, every
 * right password waited for the limits connection's 500 ms command timeout.
 */
function forgetKey(redis: Redis, limit: InsuredLimiter, key: string): Promise<boolean> {
  return redis.status === "ready" ? limit.delete(key) : limit.inMemory.delete(key);
}

/**
 * A count of failures and a gate: after enough failures, attempts pass the gate one per
 * `spacing` seconds (the gate key lives that long). An attempt is counted before its password
 * is checked, so a hundred parallel guesses do not all slip through before the first failure
 * is recorded; a refused attempt is taken back, a successful one too.
 */
class SpacedLimit {
  private readonly failures: InsuredLimiter;
  private readonly gate: InsuredLimiter;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    windowSeconds: number,
    private readonly spacing: (failures: number) => number,
  ) {
    this.failures = limiter(redis, `${prefix}:failures`, windowSeconds);
    this.gate = limiter(redis, `${prefix}:gate`, 1);
  }

  /** The failures counted so far, this attempt included; or the milliseconds to wait. */
  async enter(key: string): Promise<{ failures: number } | { waitMs: number }> {
    const { consumedPoints } = await this.failures.penalty(key);
    const spacing = this.spacing(consumedPoints - 1);
    if (spacing === 0) return { failures: consumedPoints };
    try {
      await this.gate.consume(key, 1, { customDuration: spacing });
      return { failures: consumedPoints };
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      await this.failures.reward(key);
      return { waitMs: error.msBeforeNext };
    }
  }

  /** The attempt failed: the next one waits its spacing from now. */
  async failed(key: string, failures: number): Promise<void> {
    const spacing = this.spacing(failures);
    if (spacing > 0) await this.gate.block(key, spacing);
  }

  /** Not a failure after all; `forget` clears the key's record entirely. */
  async succeeded(key: string, forget: boolean): Promise<void> {
    if (forget) {
      const { redis } = this;
      await Promise.all([forgetKey(redis, this.failures, key), forgetKey(redis, this.gate, key)]);
    } else await this.failures.reward(key);
  }
}

/**
 * Password guessing limits shared by every web process through Redis (ctx.signInThrottle:
 * sign-in form, Basic with a password, password change). The numbers and the reasons are
 * in ./sign-in-policy.ts. While Redis fails, each process keeps the same limits in memory
 * (rate-limiter-flexible's insurance limiter): neither a free-for-all nor a lockout of all.
 */
export class SignInThrottle {
  private readonly pair: SpacedLimit;
  private readonly address: SpacedLimit;
  private readonly name: SpacedLimit;
  private readonly knownAddresses: RateLimiterRedis;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    const { pair, address, name, knownAddressSeconds } = SIGN_IN_LIMITS;
    this.pair = new SpacedLimit(redis, `${prefix}:pair`, pair.windowSeconds, pairBlockSeconds);
    this.address = new SpacedLimit(redis, `${prefix}:address`, address.windowSeconds, (n) =>
      addressBlocked(n) ? address.blockSeconds : 0,
    );
    this.name = new SpacedLimit(redis, `${prefix}:name`, name.windowSeconds, nameSpacingSeconds);
    this.knownAddresses = limiter(redis, `${prefix}:known`, knownAddressSeconds);
  }

  /** Resolves once the counts are kept in Redis: a process counts in memory until it connects. */
  async connected(): Promise<void> {
    if (this.redis.status !== "ready") await once(this.redis, "ready");
  }

  /**
   * Whether this attempt may check its password now. The name's slowdown does not apply
   * from an address the name signed in from before; the address limit not to "unknown"
   * (one key for every client: it would be a limit on everyone), nor is "unknown" ever known.
   */
  async admit(request: SignInAttempt): Promise<Admission> {
    const attempt = { ...request, address: addressKey(request.address) };
    const pairKey = pairKeyOf(attempt);
    const unknown = attempt.address === "unknown";
    const known = !unknown && (await this.knownAddresses.get(pairKey)) !== null;
    const [pair, address, name] = await Promise.all([
      this.pair.enter(pairKey),
      unknown ? null : this.address.enter(attempt.address),
      known ? null : this.name.enter(attempt.subject),
    ]);
    const waits = [pair, address, name].flatMap((r) => (r && "waitMs" in r ? [r.waitMs] : []));
    const ticket: SignInTicket = {
      attempt,
      pairFailures: "failures" in pair ? pair.failures : 0,
      addressFailures: address && "failures" in address ? address.failures : null,
      nameFailures: name && "failures" in name ? name.failures : null,
    };
    if (waits.length === 0) return { admitted: true, ticket };
    await this.takeBack(ticket, false); // the parts that let it through do not count it either
    return { admitted: false, retryAfterSeconds: retryAfterSeconds(Math.max(...waits)) };
  }

  /** The password was wrong (or the name unknown): the next attempts wait as the rules say. */
  async failed(ticket: SignInTicket): Promise<void> {
    const { attempt, pairFailures, addressFailures, nameFailures } = ticket;
    await Promise.all([
      pairFailures > 0 && this.pair.failed(pairKeyOf(attempt), pairFailures),
      addressFailures !== null && this.address.failed(attempt.address, addressFailures),
      nameFailures !== null && this.name.failed(attempt.subject, nameFailures),
    ]);
  }

  /** The password was right: the pair starts afresh and its address is known for the name. */
  async succeeded(ticket: SignInTicket): Promise<void> {
    const known = ticket.attempt.address !== "unknown";
    await Promise.all([
      this.takeBack(ticket, true),
      known &&
        this.knownAddresses.set(pairKeyOf(ticket.attempt), 1, SIGN_IN_LIMITS.knownAddressSeconds),
    ]);
  }

  private async takeBack(ticket: SignInTicket, forgetPair: boolean): Promise<void> {
    const { attempt, pairFailures, addressFailures, nameFailures } = ticket;
    await Promise.all([
      pairFailures > 0 && this.pair.succeeded(pairKeyOf(attempt), forgetPair),
      addressFailures !== null && this.address.succeeded(attempt.address, false),
      nameFailures !== null && this.name.succeeded(attempt.subject, false),
    ]);
  }
}

/** Names and addresses cannot hold a space (usernames follow USERNAME_PATTERN). */
function pairKeyOf(attempt: SignInAttempt): string {
  return `${attempt.subject} ${attempt.address}`;
}
