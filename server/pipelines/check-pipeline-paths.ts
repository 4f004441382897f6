import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { PathCheckResult } from "@/lib/contract/pipelines";
import type { Principal } from "../auth/principal";
import { requireSubmitter } from "../auth/require-role";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { CPU_INLINE_MAX_BYTES, runCpuTask } from "../cpu/run-cpu-task";

/** Checks per user and minute: the editor asks once per pause in typing. */
export const PATH_CHECKS_PER_MINUTE = 60;

/**
 * The editor's server check (POST /api/v1/pipelines/{name}/check-paths): the problems of
 * the files a config names, exactly as a submission would find them, located in the text.
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
  return runCpuTask(ctx, "checkConfigTextPaths", input, {
    offThread: options.text.length > CPU_INLINE_MAX_BYTES,
  });
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
