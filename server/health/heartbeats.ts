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

export async function writeWorkerHeartbeat(
  ctx: Pick<AppContext, "redis" | "keys">,
  beat: WorkerHeartbeat,
): Promise<void> {
  await ctx.redis.set(
    ctx.keys.worker(beat.id),
    JSON.stringify(beat),
    "EX",
    WORKER_HEARTBEAT_TTL_SECONDS,
  );
}

export async function listWorkers(
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
  const values = await ctx.redis.mget(...keys);
  return values.flatMap((v) => {
    const parsed = v ? ZWorkerHeartbeat.safeParse(JSON.parse(v)) : null;
    return parsed?.success ? [parsed.data] : [];
  });
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
