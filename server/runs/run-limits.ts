import { isNotNull } from "drizzle-orm";
import type { Statement } from "@/db/client";
import { users } from "@/db/schema";
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
 * Whether a claim needs limitGuard at all (`byPipeline` from pipelineLimits): not when no
 * pipeline declares a limit, no user has one and submitters have no default quota. Costs
 * a read of the overrides at most every 10 s.
 */
export async function mayHaveLimits(
  ctx: Pick<AppContext, "db" | "config" | "caches">,
  byPipeline: Map<string, number>,
): Promise<boolean> {
  const overrides = await userLimitOverrides(ctx);
  return byPipeline.size > 0 || overrides.size > 0 || ctx.config.userMaxRunning > 0;
}

/** Why a claim was refused (GUARD_REFUSAL): a limit is reached, or another worker holds its lock. */
export type LimitRefusal = "limited" | "busy";

/** A refusal as the claim reports it (anything unexpected counts as a busy lock: tried soon). */
export const refusal = (refused: string): LimitRefusal =>
  refused === "limited" ? "limited" : "busy";

const REFUSED = GUARD_REFUSAL;
// The run's pipeline and submitter, and the limits that apply to it (NULL: none).
const PIPELINE = "@runport_limit_pipeline";
const USER = "@runport_limit_user";
const PIPELINE_MAX = "@runport_limit_pipeline_max";
const USER_MAX = "@runport_limit_user_max";

/** Sets REFUSED to `value` when `when` holds and nothing refused yet (IF: lazily). */
const refuseIf = (when: string, value: string): string =>
  `SET ${REFUSED} = IF(${REFUSED} IS NULL AND ${when}, ${value}, ${REFUSED})`;

/** A limit's lock, by name (at most 64 characters, as GET_LOCK takes). */
const lockName = (kind: "pipeline" | "user", variable: string): string =>
  `LEFT(CONCAT(?, ':${kind}:', ${variable}), 64)`;

/**
 * The limits of a run as a guard of its claim (transitionRun's `guard`), all in the
 * claim's own round trip: read the run's pipeline and submitter and the limits that apply
 * (the pipeline's maxConcurrency from `byPipeline`; the user's override, else
 * USER_MAX_RUNNING for submitters; 0 or less: none), take their named locks in a fixed
 * order, pipeline then user (not waited for: "busy"), count what runs ("limited" when a
 * limit is reached), claim only if neither refused, and release the locks once the claim
 * has committed. Each of these statements commits on its own, so the count reads every
 * claim committed before the locks were taken: two workers can never both take the last
 * slot. Operators and admins run what they must (a backlog, a rerun) without a default quota.
 */
export function limitGuard(options: {
  publicId: string;
  byPipeline: Map<string, number>;
  userMaxRunning: number;
  prefix: string;
}): TransitionGuard {
  const { publicId, byPipeline, userMaxRunning, prefix } = options;
  const pipelines = [...byPipeline];
  const pipelineMax = pipelines.length
    ? `CASE r.pipeline_name ${pipelines.map(() => "WHEN ? THEN ?").join(" ")} END`
    : "NULL";
  const read: Statement = {
    sql: `SELECT r.pipeline_name, r.user_id, ${pipelineMax},
                 NULLIF(GREATEST(COALESCE(u.max_running_runs, IF(u.role = 'submitter', ?, 0)), 0), 0)
            INTO ${PIPELINE}, ${USER}, ${PIPELINE_MAX}, ${USER_MAX}
            FROM runs r JOIN users u ON u.id = r.user_id WHERE r.public_id = ?`,
    params: [...pipelines.flat(), userMaxRunning, publicId],
  };
  // GET_LOCK answers 1 when taken, 0 on a time-out, NULL on an error.
  const lock = (kind: "pipeline" | "user", variable: string, max: string): Statement => ({
    sql: refuseIf(
      `${max} > 0`,
      `IF(GET_LOCK(${lockName(kind, variable)}, ${LOCK_WAIT_SECONDS}) = 1, NULL, 'busy')`,
    ),
    params: [prefix],
  });
  // A limit that does not apply compares with NULL: never reached.
  const count: Statement = {
    sql: refuseIf(
      `(${PIPELINE_MAX} > 0 OR ${USER_MAX} > 0)`,
      `(SELECT IF(COALESCE(SUM(pipeline_name = ${PIPELINE}), 0) >= ${PIPELINE_MAX}
                 OR COALESCE(SUM(user_id = ${USER}), 0) >= ${USER_MAX}, 'limited', NULL)
          FROM runs
         WHERE status IN ('running', 'cancelling') AND (pipeline_name = ${PIPELINE} OR user_id = ${USER}))`,
    ),
    params: [],
  };
  // A lock this connection did not take is not released (RELEASE_LOCK answers 0 or NULL).
  const release = (kind: "pipeline" | "user", variable: string): Statement => ({
    sql: `DO RELEASE_LOCK(${lockName(kind, variable)})`,
    params: [prefix],
  });
  return {
    before: [
      {
        sql: `SET ${REFUSED} = NULL, ${PIPELINE} = NULL, ${USER} = NULL, ${PIPELINE_MAX} = NULL, ${USER_MAX} = NULL`,
        params: [],
      },
      read,
      lock("pipeline", PIPELINE, PIPELINE_MAX),
      lock("user", USER, USER_MAX),
      count,
    ],
    after: [release("user", USER), release("pipeline", PIPELINE)],
  };
}
