import type { PipelineRow } from "@/db/schema";
import { collectPathTargets } from "@/lib/schema/path-keywords";
import type { ConfigProblem } from "@/lib/schema/validate-config";
import type { AppContext } from "../context";
import { AppError, type ProblemItem } from "../errors";
import { checkPaths } from "./check-paths";
import { findPipelineDir } from "./find-pipeline-dir";

/** More paths than this in one config are refused unchecked (10,000 take about 0.1 s). */
export const MAX_CHECKED_PATHS = 50_000;

type Pipeline = Pick<PipelineRow, "name" | "version" | "schema">;

/**
 * The problems of the files a config names (format file-path / directory-path / path,
 * exists), checked on this machine against the pipeline's folder and DATA_ROOTS; empty
 * when the schema names no path. Pointers are into the config.
 */
export async function configPathProblems(
  ctx: Pick<AppContext, "config">,
  pipeline: Pipeline,
  config: unknown,
): Promise<ConfigProblem[]> {
  const targets = collectPathTargets(pipeline.schema, config, MAX_CHECKED_PATHS + 1);
  if (targets.length === 0) return [];
  if (targets.length > MAX_CHECKED_PATHS) {
    const message = `names more than ${MAX_CHECKED_PATHS} files or folders; split it into several runs`;
    return [{ path: "", message }];
  }
  const pipelineDir = await findPipelineDir(ctx.config.pipelinesPath, pipeline);
  return checkPaths(targets, { pipelineDir, dataRoots: ctx.config.dataRoots });
}

/**
 * Throws VALIDATION_FAILED (422) listing every path problem of a config, each at
 * `prefix` + its pointer (`locate` adds line and column, or a cell); returns when there is
 * none. Called after the schema, before anything is stored.
 */
export async function assertConfigPaths(
  ctx: Pick<AppContext, "config">,
  pipeline: Pipeline,
  config: unknown,
  options: { prefix: string; locate?: (errors: ProblemItem[]) => ProblemItem[] },
): Promise<void> {
  const problems = await configPathProblems(ctx, pipeline, config);
  if (problems.length === 0) return;
  const errors = problems.map((p) => ({ path: options.prefix + p.path, message: p.message }));
  const count = problems.length === 1 ? "1 path" : `${problems.length} paths`;
  throw new AppError(
    "VALIDATION_FAILED",
    `The config names paths that ${pipeline.name}@${pipeline.version} cannot use: ${count}`,
    { errors: options.locate ? options.locate(errors) : errors },
  );
}
