import type { Redis } from "ioredis";
import {
  createDatabase,
  type Database,
  type DatabaseHandle,
  type RunTransaction,
} from "@/db/client";
import type { Config } from "./env";
import { createLogger, type Logger } from "./logger";
import { createRunQueue, type RunQueue } from "./queue/run-queue";
import { createRedis, redisKeys, type RedisKeys } from "./redis";

/**
 * Everything a service needs, created once per process (web, worker, beat, CLI)
 * and passed explicitly, so tests build their own against their own database and prefix.
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
  close(): Promise<void>;
}

export function createAppContext(config: Config, processName: string): AppContext {
  const database: DatabaseHandle = createDatabase(config.databaseUrl);
  const redis = createRedis(config.redisUrl, "command", `runport-${processName}`);
  redis.on("error", () => undefined); // reported through health checks, not as crashes
  const queue = createRunQueue(config.redisUrl, config.redisPrefix);
  queue.on("error", () => undefined);
  const log = createLogger(processName, config.logLevel);
  return {
    config,
    db: database.db,
    runTransaction: database.runTransaction,
    redis,
    queue,
    keys: redisKeys(config.redisPrefix),
    log,
    async close() {
      await Promise.allSettled([queue.close(), redis.quit(), database.close()]);
    },
  };
}
