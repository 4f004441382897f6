import type { ValidateFunction } from "ajv";
import type { Redis } from "ioredis";
import {
  createDatabase,
  type Database,
  type DatabaseHandle,
  type RunTransaction,
} from "@/db/client";
import type { PipelineRow } from "@/db/schema";
import { withinTime } from "@/lib/within-time";
import { MissedChanges } from "./changes/publish-run-change";
import { CredentialCache, UserCache } from "./auth/credential-cache";
import type { SessionUser } from "./auth/session";
import { SignInThrottle } from "./auth/sign-in-throttle";
import { TtlCache } from "./cache";
import { createCpuPool } from "./cpu/create-cpu-pool";
import type { CpuPool } from "./cpu/cpu-pool";
import type { Config } from "./env";
import { createLogger, type Logger } from "./logger";
import { createRunQueue, type RunQueue } from "./queue/run-queue";
import { createRedis, redisKeys, type RedisKeys } from "./redis";
import { GroupCommit } from "./runs/group-commit";
import { LiveViewSlots } from "./runs/live-view-slots";
import { RunNotifications } from "./runs/run-notifications";

/**
 * Everything a service needs, created once per process (web, worker, beat, CLI)
 * and passed explicitly, so tests build their own against their own database and prefix.
 * Nothing lives in module state: caches, throttles and shared connections are fields here.
 */
export interface AppContext {
  config: Config;
  db: Database;
  /** Several statements as one transaction in one round trip (hot paths only). */
  runTransaction: RunTransaction;
  redis: Redis;
  queue: RunQueue;
  keys: RedisKeys;
  log: Logger;
  caches: AppCaches;
  /** Worker threads for CPU-heavy requests, started on first use (web only; cpu/cpu-pool.ts). */
  cpu: CpuPool;
  /** Password guessing limits in Redis: sign-in form, Basic with a password, password change. */
  signInThrottle: SignInThrottle;
  /** Submissions that arrive together share a transaction (runs/create-run.ts). */
  groupCommit: GroupCommit;
  /** The Redis subscriber of live views (opened on first use). */
  runNotifications: RunNotifications;
  /** Live views open per user, counted in Redis across web processes (runs/live-view-slots.ts). */
  liveViews: LiveViewSlots;
  /** Run changes Redis missed, announced as a reset once it answers (changes/publish-run-change.ts). */
  missedChanges: MissedChanges;
  close(): Promise<void>;
}

/** What a process keeps in memory for a short while, each bounded (see cache.ts). */
function createCaches(config: Config, beforeStore: () => void) {
  return {
    /** A session's user: role, disabled flag, password change (auth/session.ts). */
    principals: new UserCache<number, SessionUser>({
      ttlMs: 10_000,
      userOf: (userId) => userId,
      beforeStore,
    }),
    /** Verified credentials under an HMAC (auth/authenticate.ts). */
    credentials: new CredentialCache(config.authSecret, config.authCacheSeconds * 1000, {
      beforeStore,
    }),
    /** A pipeline's versions by name; definitions change only when a worker starts. */
    pipelineVersions: new TtlCache<string, PipelineRow[]>({ ttlMs: 5000, maxEntries: 1000 }),
    /** The users' running-runs overrides: workers see a change within 10 s. */
    userLimits: new TtlCache<"overrides", Map<number, number>>({ ttlMs: 10_000, maxEntries: 1 }),
    /** Compiled config validators by definition hash (pipelines/get-config-validator.ts). */
    validators: new TtlCache<string, ValidateFunction>({ ttlMs: Infinity, maxEntries: 500 }),
    /**
     * The values of a reference list's version (per user: `<version>:<user>`), for checking
     * configs with many values (lists/check-list-values.ts). Versions never change; a few
     * large ones at most (100,000 values: about 10 MB each).
     */
    listValues: new TtlCache<string, Promise<Set<string>>>({ ttlMs: Infinity, maxEntries: 4 }),
    /** The server's max_allowed_packet, asked once (outputs/record-outputs.ts). */
    packetSize: new TtlCache<"packet", Promise<number>>({ ttlMs: Infinity, maxEntries: 1 }),
  };
}
export type AppCaches = ReturnType<typeof createCaches>;

export function createAppContext(config: Config, processName: string): AppContext {
  // The web's statements are bounded (DB_REQUEST_TIMEOUT_MS) unless a scope says otherwise.
  const budget = processName === "web" ? { statementBudgetMs: config.dbRequestTimeoutMs } : {};
  const database: DatabaseHandle = createDatabase(config.databaseUrl, budget);
  const redis = createRedis(config.redisUrl, "command", `runport-${processName}`);
  redis.on("error", () => undefined); // reported through health checks, not as crashes
  // The limits' own connection (passwords, live views): a command Redis does not
  // answer within 500 ms (frozen, not just stopped) fails, and the limits fall back to this
  // process's memory instead of holding every sign-in or live view.
  const limitsRedis = redis.duplicate({
    connectionName: `runport-${processName}-limits`,
    commandTimeout: 500,
  });
  limitsRedis.on("error", () => undefined);
  const queue = createRunQueue(config.redisUrl, config.redisPrefix);
  queue.on("error", () => undefined);
  const log = createLogger(processName, config.logLevel);
  const keys = redisKeys(config.redisPrefix);
  const runNotifications = new RunNotifications({ config, keys });
  // Whatever is cached about users is forgotten on a revocation, in every web process.
  const caches = createCaches(config, () => runNotifications.listenForRevocations());
  runNotifications.handleRevocations({
    revoked(userId) {
      caches.credentials.forgetUser(userId);
      caches.principals.forgetUser(userId);
    },
    missed() {
      caches.credentials.clear();
      caches.principals.clear();
    },
  });
  const cpu = createCpuPool(config, log);
  const liveViews = new LiveViewSlots(limitsRedis, keys.liveViews);
  const missedChanges = new MissedChanges({ redis, keys, log });
  return {
    config,
    db: database.db,
    runTransaction: database.runTransaction,
    redis,
    queue,
    keys,
    log,
    caches,
    cpu,
    signInThrottle: new SignInThrottle(limitsRedis, keys.signIn),
    groupCommit: new GroupCommit(database.runTransaction),
    runNotifications,
    liveViews,
    missedChanges,
    async close() {
      runNotifications.close();
      missedChanges.close();
      await liveViews.close(); // before its connection goes: frees this process's slots
      limitsRedis.disconnect();
      // A frozen Redis never answers the queue's QUIT: drop its connection after 2 s.
      const closing = withinTime(queue.close(), 2000, () => new Error("Redis took no QUIT"));
      await Promise.allSettled([
        closing.catch(() => queue.disconnect()),
        redis.quit(),
        database.close(),
        cpu.close(),
      ]);
    },
  };
}
