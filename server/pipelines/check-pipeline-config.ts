import type { PipelineRow } from "@/db/schema";
import { checkConfig, type ConfigCheck } from "@/lib/schema/check-config";
import type { AppContext } from "../context";
import { getConfigValidator } from "./get-config-validator";

/**
 * Validates a config against a pipeline version's schema under that version's
 * `unknownProperties` choice (rows stored before it existed: `warn`).
 */
export function checkPipelineConfig(
  ctx: Pick<AppContext, "caches">,
  pipeline: Pick<PipelineRow, "definitionHash" | "schema" | "definition">,
  config: unknown,
): ConfigCheck {
  const mode = pipeline.definition.unknownProperties ?? "warn";
  return checkConfig(getConfigValidator(ctx, pipeline), config, mode);
}
