import { eq, isNotNull, sql } from "drizzle-orm";
import { LOCK_BUSY, withNamedLocks, type LockSession } from "@/db/named-lock";
import { runs, users } from "@/db/schema";
import type { AppContext } from "../context";
import type { LoadedPipeline } from "../pipelines/load-pipeline-definitions";

/**
 * Concurrency limits across all workers: a pipeline's `maxConcurrency` (all its
 * versions) and a user's running-runs quota (users.max_running_runs, else
 * USER_MAX_RUNNING for submitters). A worker claims a limited run while holding MySQL named locks for
 * the pipeline and the user, after counting what runs: two workers can never both take
 * the last slot. Runs without a limit never pay for this.
 */
export interface RunLimits {
  pipeline?: { name: string; max: number };
  user?: { id: number; max: number };
}

// A busy lock is not waited for (no pool connection waits meanwhile): the claim answers
// "busy" and the job is tried again a moment later.
const LOCK_WAIT_SECONDS = 0;

/** The smallest maxConcurrency any loaded version of each pipeline declares. */
export function pipelineLimits(pipelines: Iterable<LoadedPipeline>): Map<string, number> {
  const limits = new Map<string, number>();
  for (const p of pipelines) {
    const max = p.definition.maxConcurrency;
    if (max) limits.set(p.name, Math.min(max, limits.get(p.name) ?? Infinity));
  }
  return limits;
}

/** Per-user overrides of the running-runs quota (ctx.caches.userLimits). */
async function userLimitOverrides(
  ctx: Pick<AppContext, "db" | "caches">,
): Promise<Map<number, number>> {
  const hit = ctx.caches.userLimits.get("overrides");
  if (hit) return hit;
  const rows = await ctx.db
    .select({ id: users.id, max: users.maxRunningRuns })
    .from(users)
    .where(isNotNull(users.maxRunningRuns));
  const limits = new Map(rows.map((r) => [r.id, r.max!]));
  ctx.caches.userLimits.set("overrides", limits);
  return limits;
}

/**
 * The limits that apply to a queued run (`byPipeline` from pipelineLimits). Costs
 * nothing when no pipeline declares a limit and no user has one; otherwise one read of
 * the run's pipeline and submitter.
 */
export async function limitsForRun(
  ctx: Pick<AppContext, "db" | "config" | "caches">,
  byPipeline: Map<string, number>,
  publicId: string,
): Promise<RunLimits> {
  const overrides = await userLimitOverrides(ctx);
  if (byPipeline.size === 0 && overrides.size === 0 && ctx.config.userMaxRunning <= 0) return {};
  const [run] = await ctx.db
    .select({ pipeline: runs.pipelineName, userId: runs.userId, role: users.role })
    .from(runs)
    .innerJoin(users, eq(users.id, runs.userId))
    .where(eq(runs.publicId, publicId))
    .limit(1);
  if (!run) return {};
  const pipelineMax = byPipeline.get(run.pipeline);
  // The user's override, else the default for submitters (0 or less: no quota). Operators
  // and admins run what they must (a backlog, a rerun) without a default quota.
  const userMax =
    overrides.get(run.userId) ?? (run.role === "submitter" ? ctx.config.userMaxRunning : 0);
  return {
    ...(pipelineMax ? { pipeline: { name: run.pipeline, max: pipelineMax } } : {}),
    ...(userMax > 0 ? { user: { id: run.userId, max: userMax } } : {}),
  };
}

function lockNames(limits: RunLimits, prefix: string): string[] {
  // Always in this order (pipeline, then user), so that two workers cannot deadlock.
  return [
    ...(limits.pipeline ? [`${prefix}:pipeline:${limits.pipeline.name}`] : []),
    ...(limits.user ? [`${prefix}:user:${limits.user.id}`] : []),
  ];
}

async function countRunning(session: LockSession, limits: RunLimits) {
  const name = limits.pipeline?.name ?? "";
  const userId = limits.user?.id ?? 0;
  const result = await session.execute(
    sql`SELECT COALESCE(SUM(pipeline_name = ${name}), 0) AS pipeline,
               COALESCE(SUM(user_id = ${userId}), 0) AS user
          FROM runs
         WHERE status IN ('running', 'cancelling') AND (pipeline_name = ${name} OR user_id = ${userId})`,
  );
  const [rows] = result as unknown as [{ pipeline: unknown; user: unknown }[]];
  return { pipeline: Number(rows[0]?.pipeline ?? 0), user: Number(rows[0]?.user ?? 0) };
}

/**
 * Runs `claim` when the limits leave a slot, holding the limits' locks until it has
 * committed; returns "limited" (nothing claimed) when a limit is reached, "busy" when
 * another worker holds the locks right now (a submitter's batch claims one at a time).
 * It answers as soon as the claim has committed: releasing the locks (two more round
 * trips) happens meanwhile, off the path to the process's start. The claim is counted
 * by whoever takes the locks next, since it committed before they were released.
 */
export async function claimWithinLimits<T>(
  ctx: Pick<AppContext, "db" | "config" | "log">,
  limits: RunLimits,
  claim: () => Promise<T>,
): Promise<T | "limited" | "busy"> {
  const names = lockNames(limits, ctx.config.redisPrefix);
  if (names.length === 0) return claim();
  return new Promise((resolve, reject) => {
    let answered = false;
    // The claim itself commits on its own connections while the locks are held.
    const locked = withNamedLocks(ctx.db, names, LOCK_WAIT_SECONDS, async (session) => {
      const running = await countRunning(session, limits);
      if (limits.pipeline && running.pipeline >= limits.pipeline.max) return "limited" as const;
      if (limits.user && running.user >= limits.user.max) return "limited" as const;
      const claimed = await claim();
      answered = true;
      resolve(claimed);
      return claimed;
    });
    locked.then(
      (result) => resolve(result === LOCK_BUSY ? "busy" : result),
      (error: Error) => {
        if (!answered) return reject(error);
        // The locks end with their connection, whatever happened to it.
        ctx.log.warn({ err: error }, "releasing the limit locks failed");
      },
    );
  });
}
