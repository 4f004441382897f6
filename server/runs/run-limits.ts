import { isNotNull, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import type { AppContext } from "../context";

/**
 * Concurrency limits across all workers: a pipeline's `maxConcurrency` (all its
 * versions) and a user's running-runs quota (users.max_running_runs, else
 * USER_MAX_RUNNING). A worker claims a limited run while holding MySQL named locks for
 * the pipeline and the user, after counting what runs: two workers can never both take
 * the last slot. Runs without a limit never pay for this.
 */
export interface RunLimits {
  pipeline?: { name: string; max: number };
  user?: { id: number; max: number };
}

const USER_LIMITS_TTL_MS = 10_000;
// Busy is "limited": the job is tried again in 2 s, and no pool connection waits meanwhile.
const LOCK_WAIT_SECONDS = 0;
const userLimitCache = new WeakMap<object, { at: number; limits: Map<number, number> }>();

/** Per-user overrides of the running-runs quota (cached for ten seconds). */
export async function userLimitOverrides(
  ctx: Pick<AppContext, "db">,
): Promise<Map<number, number>> {
  const hit = userLimitCache.get(ctx.db);
  if (hit && Date.now() - hit.at < USER_LIMITS_TTL_MS) return hit.limits;
  const rows = await ctx.db
    .select({ id: users.id, max: users.maxRunningRuns })
    .from(users)
    .where(isNotNull(users.maxRunningRuns));
  const limits = new Map(rows.map((r) => [r.id, r.max!]));
  userLimitCache.set(ctx.db, { at: Date.now(), limits });
  return limits;
}

/** Forgets the cached overrides (a test, or right after an admin changed one here). */
export function forgetUserLimits(ctx: Pick<AppContext, "db">): void {
  userLimitCache.delete(ctx.db);
}

/** The user's quota: their override, else the default (0 or less: none). */
export function userLimit(overrides: Map<number, number>, userId: number, fallback: number) {
  const max = overrides.get(userId) ?? fallback;
  return max > 0 ? max : undefined;
}

function lockNames(limits: RunLimits, prefix: string): string[] {
  // Always in this order (pipeline, then user), so that two workers cannot deadlock.
  return [
    ...(limits.pipeline ? [`${prefix}:pipeline:${limits.pipeline.name}`] : []),
    ...(limits.user ? [`${prefix}:user:${limits.user.id}`] : []),
  ].map((name) => name.slice(0, 64));
}

type Session = Pick<AppContext["db"], "execute">;

function firstRow(result: unknown): Record<string, unknown> | undefined {
  const rows = (Array.isArray(result) ? result[0] : result) as Record<string, unknown>[];
  return rows[0];
}

async function countRunning(session: Session, limits: RunLimits) {
  const name = limits.pipeline?.name ?? "";
  const userId = limits.user?.id ?? 0;
  const row = firstRow(
    await session.execute(
      sql`SELECT COALESCE(SUM(pipeline_name = ${name}), 0) AS pipeline,
                 COALESCE(SUM(user_id = ${userId}), 0) AS user
            FROM runs
           WHERE status IN ('running', 'cancelling') AND (pipeline_name = ${name} OR user_id = ${userId})`,
    ),
  );
  return { pipeline: Number(row?.pipeline ?? 0), user: Number(row?.user ?? 0) };
}

/**
 * Runs `claim` when the limits leave a slot, holding the limits' locks until it has
 * committed; returns "limited" (nothing claimed) when a limit is reached.
 */
export async function claimWithinLimits<T>(
  ctx: Pick<AppContext, "db" | "config">,
  limits: RunLimits,
  claim: () => Promise<T>,
): Promise<T | "limited"> {
  const names = lockNames(limits, ctx.config.redisPrefix);
  if (names.length === 0) return claim();
  // A transaction only to hold one connection: named locks belong to a connection. The
  // claim itself commits on its own connections while the locks are held.
  return ctx.db.transaction(async (session) => {
    const taken: string[] = [];
    try {
      for (const name of names) {
        const row = firstRow(
          await session.execute(sql`SELECT GET_LOCK(${name}, ${LOCK_WAIT_SECONDS}) AS ok`),
        );
        if (Number(row?.ok) !== 1) return "limited" as const;
        taken.push(name);
      }
      const running = await countRunning(session, limits);
      if (limits.pipeline && running.pipeline >= limits.pipeline.max) return "limited" as const;
      if (limits.user && running.user >= limits.user.max) return "limited" as const;
      return await claim();
    } finally {
      for (const name of taken.reverse()) {
        await session.execute(sql`SELECT RELEASE_LOCK(${name})`).catch(() => undefined);
      }
    }
  });
}
