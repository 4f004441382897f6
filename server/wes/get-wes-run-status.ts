import { WES_STATE } from "@/lib/run-status";
import type { WES_STATES } from "@/lib/contract/runs";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { findRunFor } from "../runs/find-run-for";

/** GET /ga4gh/wes/v1/runs/{run_id}/status: one read of the run (findRunFor's authorization). */
export async function getWesRunStatus(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; runId: string },
): Promise<{ run_id: string; state: (typeof WES_STATES)[number] }> {
  const { run } = await findRunFor(ctx, { ...options, access: "read" });
  return { run_id: run.publicId, state: WES_STATE[run.status] as (typeof WES_STATES)[number] };
}
