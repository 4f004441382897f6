import { eq, isNotNull } from "drizzle-orm";
import type { Statement } from "@/db/client";
import { runs, users } from "@/db/schema";
import type { AppContext } from "../context";
import { GUARD_REFUSAL, type TransitionGuard } from "../lifecycle/transition-run";
import type { LoadedPipeline } from "../pipelines/load-pipeline-definitions";

/**
 * Concurrency limits across all workers: a pipeline's `maxConcurrency` (all its
 * versions) and a user's running-runs quota (users.max_running_runs, else
 * USER_MAX_RUNNING for submitters). A worker claims a limited run while holding MySQL named locks for
 * the pipeline and the user, after counting what runs: two workers can never both take
 * the last slot. Runs without a limit never pay for this; the others pay nothing more
 * than a few statements in the claim's round trip (limitGuard).
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
  ].map((name) => name.slice(0, 64));
}

/** Why a claim was refused (GUARD_REFUSAL): a limit is reached, or another worker holds its lock. */
export type LimitRefusal = "limited" | "busy";

const REFUSED = GUARD_REFUSAL;

/** A refusal as the claim reports it (anything unexpected counts as a busy lock: tried soon). */
export const refusal = (refused: string): LimitRefusal =>
  refused === "limited" ? "limited" : "busy";

/** Sets REFUSED to `value` unless an earlier statement refused already (IF: lazily). */
const unlessRefused = (value: string): string =>
  `SET ${REFUSED} = IF(${REFUSED} IS NULL, ${value}, ${REFUSED})`;

/**
 * The limits of a run as a guard of its claim (transitionRun's `guard`), sent in the
 * claim's own round trip: take the limits' named locks (not waited for: "busy"), count
 * what runs ("limited" when a limit is reached), claim only if neither refused, and
 * release the locks once the claim has committed. Each of these statements commits on
 * its own, so the count reads every claim committed before the locks were taken: two
 * workers can never both take the last slot. Undefined when the run has no limit.
 */
export function limitGuard(limits: RunLimits, prefix: string): TransitionGuard | undefined {
  const names = lockNames(limits, prefix);
  if (names.length === 0) return undefined;
  const full = [
    ...(limits.pipeline ? [`COALESCE(SUM(pipeline_name = ?), 0) >= ?`] : []),
    ...(limits.user ? [`COALESCE(SUM(user_id = ?), 0) >= ?`] : []),
  ].join(" OR ");
  const fullParams = [
    ...(limits.pipeline ? [limits.pipeline.name, limits.pipeline.max] : []),
    ...(limits.user ? [limits.user.id, limits.user.max] : []),
  ];
  const count: Statement = {
    sql: unlessRefused(`(SELECT IF(${full}, 'limited', NULL) FROM runs
          WHERE status IN ('running', 'cancelling') AND (pipeline_name = ? OR user_id = ?))`),
    params: [...fullParams, limits.pipeline?.name ?? "", limits.user?.id ?? 0],
  };
  return {
    before: [
      { sql: `SET ${REFUSED} = NULL`, params: [] },
      // GET_LOCK answers 1 when taken, 0 on a time-out, NULL on an error.
      ...names.map((name) => ({
        sql: unlessRefused(`IF(GET_LOCK(?, ${LOCK_WAIT_SECONDS}) = 1, NULL, 'busy')`),
        params: [name],
      })),
      count,
    ],
    // A lock this connection did not take is not released (RELEASE_LOCK answers 0).
    after: [...names].reverse().map((name) => ({ sql: "DO RELEASE_LOCK(?)", params: [name] })),
  };
}
