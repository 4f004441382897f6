import { sql } from "drizzle-orm";
import type { AppContext } from "../context";
import {
  listWorkers,
  readBeatHeartbeat,
  type BeatHeartbeat,
  type WorkerHeartbeat,
} from "./heartbeats";

export interface Health {
  status: "ok" | "degraded" | "down";
  database: { ok: boolean; latencyMs: number | null; error?: string };
  redis: { ok: boolean; latencyMs: number | null; error?: string };
  workers: { count: number; items: WorkerHeartbeat[] };
  beat: { active: boolean; heartbeat: BeatHeartbeat | null };
}

async function timed(
  fn: () => Promise<unknown>,
): Promise<{ ok: boolean; latencyMs: number | null; error?: string }> {
  const started = performance.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timed out after 2 s")), 2000)),
    ]);
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return {
      ok: false,
      latencyMs: null,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/**
 * GET /api/health (no auth): the database and Redis answer, how many workers sent a
 * heartbeat recently, and whether a beat is active. `down` when MySQL or Redis fails;
 * `degraded` when no worker or no beat is alive (runs would wait).
 */
export async function getHealth(ctx: AppContext): Promise<Health> {
  const [database, redis] = await Promise.all([
    timed(() => ctx.db.execute(sql`SELECT 1`)),
    timed(() => ctx.redis.ping()),
  ]);
  const workers = redis.ok ? await listWorkers(ctx).catch(() => []) : [];
  const beat = redis.ok ? await readBeatHeartbeat(ctx).catch(() => null) : null;
  const beatActive =
    beat !== null &&
    Date.now() - Date.parse(beat.at) < 3 * ctx.config.beatIntervalSeconds * 1000 + 5000;
  const status =
    !database.ok || !redis.ok ? "down" : workers.length === 0 || !beatActive ? "degraded" : "ok";
  return {
    status,
    database,
    redis,
    workers: { count: workers.length, items: workers },
    beat: { active: beatActive, heartbeat: beat },
  };
}
