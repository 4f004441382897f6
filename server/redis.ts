import { Redis, type RedisOptions } from "ioredis";

/**
 * Redis connections. `kind: "command"` fails fast (web requests must not hang when
 * Redis is down: MySQL is the truth and beat re-enqueues later); `kind: "blocking"`
 * retries forever, as BullMQ workers and subscribers require.
 */
export function createRedis(url: string, kind: "command" | "blocking", name: string): Redis {
  const options: RedisOptions = {
    connectionName: name,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 5000),
    ...(kind === "blocking"
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 2000 }),
  };
  return new Redis(url, options);
}

/** Our own keys and channels, beside BullMQ's `<prefix>:runs:*`. */
export function redisKeys(prefix: string) {
  return {
    beatLock: `${prefix}:beat:lock`,
    beatHeartbeat: `${prefix}:beat:heartbeat`,
    worker: (workerId: string) => `${prefix}:worker:${workerId}`,
    workerPattern: `${prefix}:worker:*`,
    cancelChannel: `${prefix}:cancel`,
    runChannel: (publicId: string) => `${prefix}:run:${publicId}`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
