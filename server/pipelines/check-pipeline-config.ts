import type { PipelineRow } from "@/db/schema";
import { checkNotifyAddresses } from "@/lib/notify-statuses";
import { checkConfig, type ConfigCheck } from "@/lib/schema/check-config";
import { resolveSlurmJobOptions } from "@/lib/slurm-options";
import type { AppContext } from "../context";
import { getConfigValidator } from "./get-config-validator";

/**
 * Validates a config against a pipeline version's schema under that version's
 * `unknownProperties` choice (rows stored before it existed: `warn`), and, for a Slurm
 * pipeline, the job options the config may set (`runOptions`: `hpcAccount` → --account,
 * a time limit up to the pipeline's maximum, ...), and the addresses of its notification
 * field (`notify.emailField`).
 */
export function checkPipelineConfig(
  ctx: Pick<AppContext, "caches">,
  pipeline: Pick<PipelineRow, "definitionHash" | "schema" | "definition">,
  config: unknown,
): ConfigCheck {
  const mode = pipeline.definition.unknownProperties ?? "warn";
  const check = checkConfig(getConfigValidator(ctx, pipeline), config, mode);
  const { slurm, timeoutSeconds, notify } = pipeline.definition;
  if (notify?.emailField && check.errors.length === 0) {
    // The addresses the run's end is mailed to (server/notifications/): checked now, not then.
    const problem = checkNotifyAddresses(notify.emailField, config);
    if (problem) return { ...check, errors: [problem] };
  }
  if (!slurm || check.errors.length > 0 || !isObject(config)) return check;
  const { problems } = resolveSlurmJobOptions(slurm, timeoutSeconds, config);
  return { ...check, errors: problems };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
