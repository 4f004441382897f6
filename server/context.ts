import type { ValidateFunction } from "ajv";
import type { Redis } from "ioredis";
import {
  createDatabase,
  type Database,
  type DatabaseHandle,
  type RunTransaction,
} from "@/db/client";
import type { PipelineRow } from "@/db/schema";
import { CredentialCache } from "./auth/credential-cache";
import type { SessionUser } from "./auth/session";
import { SignInThrottle } from "./auth/sign-in-throttle";
import { TtlCache } from "./cache";
import type { Config } from "./env";
import { createLogger, type Logger } from "./logger";
import { createRunQueue, type RunQueue } from "./queue/run-queue";
import { createRedis, redisKeys, type RedisKeys } from "./redis";
import { GroupCommit } from "./runs/group-commit";
import { RunNotifications } from "./runs/run-notifications";

/** What a process keeps in memory for a short while, each bounded (see cache.ts). */
export interface AppCaches {
  /** A session's user: role, disabled flag, password change (auth/session.ts). */
  principals: TtlCache<number, SessionUser>;
  /** Verified credentials under an HMAC, for AUTH_CACHE_SECONDS (auth/authenticate.ts). */
  credentials: CredentialCache;
  /** The versions of a pipeline by name (pipelines/resolve-pipeline.ts). */
  pipelineVersions: TtlCache<string, PipelineRow[]>;
  /** The users' running-runs overrides (runs/run-limits.ts). */
  userLimits: TtlCache<"overrides", Map<number, number>>;
  /** Compiled config validators by definition hash (pipelines/get-config-validator.ts). */
  validators: TtlCache<string, ValidateFunction>;
  /** The server's max_allowed_packet, asked once (outputs/record-outputs.ts). */
  packetSize: TtlCache<"packet", Promise<number>>;
}

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
  /** Password guessing: sign-in form, Basic with a password, password change. */
  signInThrottle: SignInThrottle;
  /** Submissions that arrive together share a transaction (runs/create-run.ts). */
  groupCommit: GroupCommit;
  /** The Redis subscriber of live views (opened on first use). */
  runNotifications: RunNotifications;
  /** Live views open per user id in this process (runs/stream-run-log.ts). */
  liveViews: Map<number, number>;
  close(): Promise<void>;
}

function createCaches(config: Config): AppCaches {
  return {
    // Short enough that a role change or a disabled account takes effect at once.
    principals: new TtlCache({ ttlMs: 10_000, maxEntries: 10_000 }),
    credentials: new CredentialCache(config.authSecret, config.authCacheSeconds * 1000),
    // Every submission resolves its pipeline; definitions change only when a worker starts.
    pipelineVersions: new TtlCache({ ttlMs: 5000, maxEntries: 1000 }),
    // Workers see an admin's change of a quota within ten seconds.
    userLimits: new TtlCache({ ttlMs: 10_000, maxEntries: 1 }),
    validators: new TtlCache({ ttlMs: Infinity, maxEntries: 500 }),
    packetSize: new TtlCache({ ttlMs: Infinity, maxEntries: 1 }),
  };
}

export function createAppContext(config: Config, processName: string): AppContext {
  const database: DatabaseHandle = createDatabase(config.databaseUrl);
  const redis = createRedis(config.redisUrl, "command", `runport-${processName}`);
  redis.on("error", () => undefined); // reported through health checks, not as crashes
  const queue = createRunQueue(config.redisUrl, config.redisPrefix);
  queue.on("error", () => undefined);
  const log = createLogger(processName, config.logLevel);
  const keys = redisKeys(config.redisPrefix);
  const runNotifications = new RunNotifications({ config, keys });
  return {
    config,
    db: database.db,
    runTransaction: database.runTransaction,
    redis,
    queue,
    keys,
    log,
    caches: createCaches(config),
    signInThrottle: new SignInThrottle(),
    groupCommit: new GroupCommit(database.runTransaction),
    runNotifications,
    liveViews: new Map(),
    async close() {
      runNotifications.close();
      await Promise.allSettled([queue.close(), redis.quit(), database.close()]);
    },
  };
}
