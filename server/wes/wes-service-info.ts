import { sql } from "drizzle-orm";
import { runCounts } from "@/db/schema";
import { canSeeAllRuns } from "@/lib/roles";
import { RUN_STATUSES, WES_STATE } from "@/lib/run-status";
import {
  WES_ENGINE_PARAMETERS,
  WES_VERSION,
  WES_WORKFLOW_TYPE,
  WES_WORKFLOW_TYPE_VERSIONS,
  type WesServiceInfo,
} from "@/lib/contract/wes";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";

/** Runport's own version, as `workflow_engine_versions` names it. */
export const RUNPORT_ENGINE = "runport";
export const RUNPORT_ENGINE_VERSIONS = ["1.0.0"];

/**
 * GET /ga4gh/wes/v1/service-info. `system_state_counts` are the whole system's runs by
 * WES state (the run_counts rows the operations page reads: 8 × shards, no scan), for the
 * roles that see every run; a submitter, who sees only their own runs, gets {}.
 */
export async function getWesServiceInfo(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; origin: string },
): Promise<WesServiceInfo> {
  const counts: Record<string, number> = {};
  if (canSeeAllRuns(options.principal.role)) {
    for (const status of RUN_STATUSES) counts[WES_STATE[status]] = 0;
    const rows = await ctx.db
      .select({ status: runCounts.status, n: sql<string>`SUM(${runCounts.n})` })
      .from(runCounts)
      .groupBy(runCounts.status);
    for (const row of rows) counts[WES_STATE[row.status]] = Math.max(0, Number(row.n));
  }
  return {
    id: "org.runport.wes",
    name: "Runport",
    type: { group: "org.ga4gh", artifact: "wes", version: WES_VERSION },
    description:
      "Runport's pipelines through GA4GH WES: workflow_type RUNPORT, workflow_url a pipeline reference (fastq-qc@1.0.0), workflow_params the config",
    organization: { name: "Runport", url: options.origin },
    version: RUNPORT_ENGINE_VERSIONS[0]!,
    workflow_type_versions: {
      [WES_WORKFLOW_TYPE]: { workflow_type_version: [...WES_WORKFLOW_TYPE_VERSIONS] },
    },
    supported_wes_versions: [WES_VERSION],
    supported_filesystem_protocols: ["file"],
    workflow_engine_versions: {
      [RUNPORT_ENGINE]: { workflow_engine_version: RUNPORT_ENGINE_VERSIONS },
    },
    default_workflow_engine_parameters: WES_ENGINE_PARAMETERS.map((p) => ({ ...p })),
    system_state_counts: counts,
    auth_instructions_url: `${options.origin}/account`,
    tags: { api_reference: `${options.origin}/apidocs` },
  };
}
