import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { z } from "zod";
import type { PathCheckResult } from "@/lib/contract/pipelines";
import type { Principal } from "../auth/principal";
import { requireSubmitter } from "../auth/require-role";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { parseJsonDocument, withPositions } from "../http/json-body";
import { configPathProblems } from "./config-path-problems";
import { resolvePipeline } from "./resolve-pipeline";

/** Checks per user and minute: the editor asks once per pause in typing. */
export const PATH_CHECKS_PER_MINUTE = 60;

const ZConfig = z.record(z.string(), z.unknown());

/**
 * The editor's server check (POST /api/v1/pipelines/{name}/check-paths): the problems of
 * the files a config names, exactly as a submission would find them, located in the text.
 * Stores nothing. For those who may submit; 60 a minute per user (Redis, shared by every
 * web process; while Redis is away the check is not limited rather than refused).
 */
export async function checkPipelinePaths(
  ctx: Pick<AppContext, "db" | "caches" | "config" | "redis" | "log">,
  options: { principal: Principal; name: string; version?: string; text: string },
): Promise<PathCheckResult> {
  requireSubmitter(options.principal);
  await withinLimit(ctx, options.principal.userId);
  const doc = parseJsonDocument(options.text, ZConfig, { subject: "The config" });
  const reference = options.version ? `${options.name}@${options.version}` : options.name;
  const pipeline = await resolvePipeline(ctx, reference, "");
  const problems = await configPathProblems(ctx, pipeline, doc.value);
  return {
    pipeline: `${pipeline.name}@${pipeline.version}`,
    problems: withPositions(doc, problems),
  };
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
