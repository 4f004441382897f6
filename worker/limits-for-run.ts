import { eq } from "drizzle-orm";
import { runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { userLimit, userLimitOverrides, type RunLimits } from "@/server/runs/run-limits";

/** The smallest maxConcurrency any loaded version of each pipeline declares. */
export function pipelineLimits(pipelines: Iterable<LoadedPipeline>): Map<string, number> {
  const limits = new Map<string, number>();
  for (const p of pipelines) {
    const max = p.definition.maxConcurrency;
    if (max) limits.set(p.name, Math.min(max, limits.get(p.name) ?? Infinity));
  }
  return limits;
}

/**
 * The limits that apply to a queued run. Costs nothing when no pipeline declares a
 * limit and no user has one; otherwise one read of the run's pipeline and submitter.
 */
export async function limitsForRun(
  ctx: Pick<AppContext, "db" | "config">,
  byPipeline: Map<string, number>,
  publicId: string,
): Promise<RunLimits> {
  const overrides = await userLimitOverrides(ctx);
  if (byPipeline.size === 0 && overrides.size === 0 && ctx.config.userMaxRunning <= 0) return {};
  const [run] = await ctx.db
    .select({ pipeline: runs.pipelineName, userId: runs.userId })
    .from(runs)
    .where(eq(runs.publicId, publicId))
    .limit(1);
  if (!run) return {};
  const pipelineMax = byPipeline.get(run.pipeline);
  const userMax = userLimit(overrides, run.userId, ctx.config.userMaxRunning);
  return {
    ...(pipelineMax ? { pipeline: { name: run.pipeline, max: pipelineMax } } : {}),
    ...(userMax ? { user: { id: run.userId, max: userMax } } : {}),
  };
}
