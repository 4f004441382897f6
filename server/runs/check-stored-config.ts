import type { PipelineRow, RunWarning } from "@/db/schema";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { checkPipelineConfig } from "../pipelines/check-pipeline-config";
import { assertConfigPaths } from "../pipelines/config-path-problems";

/**
 * A stored run's config checked again before a retry: the version's schema may have been
 * changed in place since (VALIDATION_FAILED, "use Re-run… to edit it"), and its files may be
 * gone (retention, a cleaned-up folder). Returns the warnings, at `/config/...`. Pure but for
 * the file checks, so a large config is checked on a CPU thread (server/cpu/).
 */
export async function checkStoredConfig(
  ctx: Pick<AppContext, "caches" | "config">,
  input: { pipeline: PipelineRow; configText: string },
): Promise<RunWarning[]> {
  const { pipeline } = input;
  const config = JSON.parse(input.configText) as unknown;
  const { errors, warnings } = checkPipelineConfig(ctx, pipeline, config);
  if (errors.length > 0) {
    throw new AppError(
      "VALIDATION_FAILED",
      `The config no longer matches the schema of ${pipeline.name}@${pipeline.version}: use Re-run… to edit it`,
      { errors: errors.map(({ path, message }) => ({ path: `/config${path}`, message })) },
    );
  }
  await assertConfigPaths(ctx, pipeline, config, { prefix: "/config" });
  return warnings.map(({ path, message }) => ({ path: `/config${path}`, message }));
}
