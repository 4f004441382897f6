import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { cancelRun } from "../runs/cancel-run";
import { getWesRunStatus } from "./get-wes-run-status";

/**
 * POST /ga4gh/wes/v1/runs/{run_id}/cancel: cancelRun (its authorization and transitions).
 * Asking again for a run that is cancelled already answers as the first time (CancelRun
 * declares no 409); a run that finished otherwise stays a conflict (the route's 400).
 */
export async function cancelWesRun(
  ctx: AppContext,
  options: { principal: Principal; runId: string; ip: string },
): Promise<{ run_id: string }> {
  try {
    await cancelRun(ctx, options);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "CONFLICT") throw error;
    const { state } = await getWesRunStatus(ctx, options);
    if (state !== "CANCELED") throw error;
  }
  return { run_id: options.runId };
}
