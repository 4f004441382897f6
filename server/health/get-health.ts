import { sql } from "drizzle-orm";
import type { Health } from "@/lib/contract/health";
import type { AppContext } from "../context";
import { isBeatAlive, listWorkers, readBeatHeartbeat } from "./heartbeats";

async function timed(
  ctx: AppContext,
  name: string,
  fn: () => Promise<unknown>,
): Promise<{ ok: boolean; latencyMs: number | null }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out after 2 s")), 2000);
      }),
    ]);
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    ctx.log.warn({ err: error }, `health: ${name} does not answer`);
    return { ok: false, latencyMs: null };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /api/health (no auth): the database and Redis answer, how many workers sent a
 * heartbeat recently, and whether a beat is active. `down` when MySQL or Redis fails;
 * `degraded` when no worker or no beat is alive (runs would wait).
 */
export async function getHealth(ctx: AppContext): Promise<Health> {
  const [database, redis] = await Promise.all([
    timed(ctx, "database", () => ctx.db.execute(sql`SELECT 1`)),
    timed(ctx, "redis", () => ctx.redis.ping()),
  ]);
  const workers = redis.ok ? await listWorkers(ctx).catch(() => []) : [];
  const beat = redis.ok ? await readBeatHeartbeat(ctx).catch(() => null) : null;
  const beatActive = isBeatAlive(beat, ctx.config.beatIntervalSeconds);
  const status =
    !database.ok || !redis.ok ? "down" : workers.length === 0 || !beatActive ? "degraded" : "ok";
  return {
    status,
    database,
    redis,
    workers: { count: workers.length },
    beat: { active: beatActive },
  };
}
