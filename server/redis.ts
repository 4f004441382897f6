import { Redis } from "ioredis";

/**
 * The one policy of every Redis connection, ours and BullMQ's. `kind: "command"` fails
 * fast (web requests must not hang when Redis is down: MySQL is the truth and beat
 * re-enqueues later); `kind: "blocking"` retries forever, as BullMQ workers and
 * subscribers require. Both reconnect, backing off up to 5 s.
 */
export function redisOptions(kind: "command" | "blocking") {
  return {
    retryStrategy: (times: number) => Math.min(times * 200, 5000),
    ...(kind === "blocking"
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, connectTimeout: 2000 }),
  };
}

export function createRedis(url: string, kind: "command" | "blocking", name: string): Redis {
  return new Redis(url, { connectionName: name, ...redisOptions(kind) });
}

/** Our own keys and channels, beside BullMQ's `<prefix>:runs:*`. */
export function redisKeys(prefix: string) {
  return {
    beatLock: `${prefix}:beat:lock`,
    beatHeartbeat: `${prefix}:beat:heartbeat`,
    worker: (workerId: string) => `${prefix}:worker:${workerId}`,
    workerPattern: `${prefix}:worker:*`,
    /** Sorted set of worker ids by when their heartbeat expires: listing without SCAN. */
    workerIndex: `${prefix}:workers`,
    cancelChannel: `${prefix}:cancel`,
    runChannel: (publicId: string) => `${prefix}:run:${publicId}`,
    /** A user's access was revoked (message: the user id): web processes forget them. */
    usersChannel: `${prefix}:users`,
    /** A signed-out browser session (its `sid` claim), kept as long as a session lasts. */
    endedSession: (sessionId: string) => `${prefix}:session-ended:${sessionId}`,
    /** Password guessing limits (auth/sign-in-throttle.ts): counters and gates below it. */
    signIn: `${prefix}:sign-in`,
    /** A user's open live views in every web process (runs/live-view-slots.ts): leases. */
    liveViews: (userId: number) => `${prefix}:live-views:${userId}`,
    /** Counts every change of a run a list shows (changes/publish-run-change.ts): ETags, feeds. */
    changesVersion: `${prefix}:changes:version`,
    /** Each such change, as "<version> <json>": the change feed (GET /api/v1/changes). */
    changesChannel: `${prefix}:changes`,
    /** Held while a reference list refreshes (lists/refresh-list.ts): one refresh at a time. */
    listRefresh: (listId: number) => `${prefix}:list-refresh:${listId}`,
    /** A worker's latest view of its Slurm jobs (worker/slurm-queue.ts), for Operations. */
    slurmQueue: (workerId: string) => `${prefix}:slurm-queue:${workerId}`,
    /** Commands to one worker (message: "drain"): operations/drain-workers.ts. */
    workerControl: (workerId: string) => `${prefix}:worker-control:${workerId}`,
    /** Set while a drain was asked of a worker: read at its heartbeat if the message was missed. */
    workerDrain: (workerId: string) => `${prefix}:worker-drain:${workerId}`,
    /** The rolling reload of all workers (JSON), carried out by the active beat. */
    workersReload: `${prefix}:workers-reload`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
