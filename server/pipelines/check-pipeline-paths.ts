import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { MAX_LIST_TARGETS } from "@/lib/contract/lists";
import type { PathCheckResult } from "@/lib/contract/pipelines";
import type { Principal } from "../auth/principal";
import { requireSubmitter } from "../auth/require-role";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { CPU_INLINE_MAX_BYTES, runCpuTask } from "../cpu/run-cpu-task";
import { checkListValues } from "../lists/check-list-values";
import type { PlacedListTarget } from "./check-config-text-paths";

/** Checks per user and minute: the editor asks once per pause in typing. */
export const PATH_CHECKS_PER_MINUTE = 60;

/**
 * The editor's server check (POST /api/v1/pipelines/{name}/check-paths): the problems of
 * the files a config names and of the values it ties to reference lists (with their "did
 * you mean"), exactly as a submission would find them, located in the text.
 * Stores nothing. For those who may submit; 60 a minute per user (Redis, shared by every
 * web process; while Redis is away the check is not limited rather than refused).
 */
export async function checkPipelinePaths(
  ctx: Pick<AppContext, "db" | "caches" | "config" | "redis" | "log" | "cpu">,
  options: { principal: Principal; name: string; version?: string; text: string },
): Promise<PathCheckResult> {
  requireSubmitter(options.principal);
  await withinLimit(ctx, options.principal.userId);
  const { principal: _, ...input } = options;
  // A large config (up to MAX_BODY_BYTES) is parsed and walked on a CPU thread.
  const { listTargets, ...checked } = await runCpuTask(ctx, "checkConfigTextPaths", input, {
    offThread: options.text.length > CPU_INLINE_MAX_BYTES,
  });
  const listProblems = await listValueProblems(ctx, listTargets, options.principal.userId);
  if (listProblems.length === 0) return checked;
  const problems = [...checked.problems, ...listProblems];
  return { ...checked, problems: problems.sort((a, b) => byPlace(a) - byPlace(b)) };
}

const byPlace = (p: { line?: number; column?: number }) =>
  (p.line ?? 0) * 1_000_000 + (p.column ?? 0);

/** The values not in their lists, at their place in the text, as a submission refuses them. */
async function listValueProblems(
  ctx: Pick<AppContext, "db" | "caches">,
  targets: PlacedListTarget[],
  userId: number,
): Promise<PathCheckResult["problems"]> {
  if (targets.length > MAX_LIST_TARGETS) {
    const message = `has more than ${MAX_LIST_TARGETS} values from reference lists; split it into several runs`;
    return [{ path: "", message, line: 1, column: 1 }];
  }
  const { problems } = await checkListValues(ctx, targets, userId);
  const placeOf = new Map(targets.map((t) => [t.pointer, t]));
  return problems.map((p) => ({
    ...p,
    line: placeOf.get(p.path)?.line ?? 1,
    column: placeOf.get(p.path)?.column ?? 1,
  }));
}

async function withinLimit(
  ctx: Pick<AppContext, "config" | "redis" | "log">,
  userId: number,
): Promise<void> {
  const limiter = new RateLimiterRedis({
    storeClient: ctx.redis,
    keyPrefix: `${ctx.config.redisPrefix}:path-checks`,
    points: PATH_CHECKS_PER_MINUTE,
    duration: 60,
  });
  try {
    await limiter.consume(String(userId));
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) {
      ctx.log.warn({ err: error }, "path check limit not counted: Redis did not answer");
      return;
    }
    const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw new AppError("RATE_LIMITED", `Too many path checks: try again in ${seconds} s`, {
      headers: { "Retry-After": String(seconds) },
    });
  }
}
