import { z } from "zod";
import type { AppContext } from "../context";

/** What a worker writes to Redis every few seconds (expires when it stops). */
export const ZWorkerHeartbeat = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number(),
  concurrency: z.number(),
  running: z.array(z.string()),
  startedAt: z.string(),
  at: z.string(),
});
export type WorkerHeartbeat = z.infer<typeof ZWorkerHeartbeat>;

export const ZBeatHeartbeat = z.object({
  instanceId: z.string(),
  host: z.string(),
  pid: z.number(),
  at: z.string(),
});
export type BeatHeartbeat = z.infer<typeof ZBeatHeartbeat>;

export const WORKER_HEARTBEAT_TTL_SECONDS = 15;

/**
 * The heartbeat (a key that expires) and its entry in the workers index, scored by when
 * it expires, so that the pages list workers without scanning Redis's whole keyspace
 * (which holds a key per queued job: a SCAN costs ~16 ms per 5,000 keys here).
 */
export async function writeWorkerHeartbeat(
  ctx: Pick<AppContext, "redis" | "keys">,
  beat: WorkerHeartbeat,
): Promise<void> {
  const expires = Date.now() + WORKER_HEARTBEAT_TTL_SECONDS * 1000;
  await ctx.redis
    .multi()
    .set(ctx.keys.worker(beat.id), JSON.stringify(beat), "EX", WORKER_HEARTBEAT_TTL_SECONDS)
    .zadd(ctx.keys.workerIndex, expires, beat.id)
    .exec();
}

function parseHeartbeats(values: (string | null)[]): WorkerHeartbeat[] {
  return values.flatMap((v) => {
    const parsed = v ? ZWorkerHeartbeat.safeParse(JSON.parse(v)) : null;
    return parsed?.success ? [parsed.data] : [];
  });
}

/**
 * The live workers from the workers index (a few round trips, whatever else Redis holds):
 * for the Operations page and health. A worker of a version before the index is not in it
 * until it is upgraded; the beat's recovery and the orphan reaper, which must never miss a
 * live worker, use scanWorkers.
 */
export async function listWorkers(
  ctx: Pick<AppContext, "redis" | "keys">,
): Promise<WorkerHeartbeat[]> {
  const now = Date.now();
  const results = await ctx.redis
    .multi()
    .zremrangebyscore(ctx.keys.workerIndex, "-inf", now)
    .zrangebyscore(ctx.keys.workerIndex, now, "+inf", "LIMIT", 0, 10_000)
    .exec();
  const ids = (results?.[1]?.[1] ?? []) as string[];
  if (ids.length === 0) return [];
  return parseHeartbeats(await ctx.redis.mget(...ids.map((id) => ctx.keys.worker(id))));
}

/** Every live worker's heartbeat, found by scanning the keyspace for heartbeat keys. */
export async function scanWorkers(
  ctx: Pick<AppContext, "redis" | "keys">,
): Promise<WorkerHeartbeat[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await ctx.redis.scan(
      cursor,
      "MATCH",
      ctx.keys.workerPattern,
      "COUNT",
      200,
    );
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0" && keys.length < 10_000);
  if (keys.length === 0) return [];
  return parseHeartbeats(await ctx.redis.mget(...keys));
}

export async function readBeatHeartbeat(
  ctx: Pick<AppContext, "redis" | "keys">,
): Promise<BeatHeartbeat | null> {
  const value = await ctx.redis.get(ctx.keys.beatHeartbeat);
  if (!value) return null;
  const parsed = ZBeatHeartbeat.safeParse(JSON.parse(value));
  return parsed.success ? parsed.data : null;
}

/** Whether the beat's last heartbeat is recent: within three ticks and a margin. */
export function isBeatAlive(
  beat: BeatHeartbeat | null,
  beatIntervalSeconds: number,
  now = Date.now(),
): beat is BeatHeartbeat {
  return beat !== null && now - Date.parse(beat.at) < 3 * beatIntervalSeconds * 1000 + 5000;
}
