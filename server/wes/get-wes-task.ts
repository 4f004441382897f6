import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { getRun } from "../runs/get-run";
import { toWesTask } from "./wes-views";

/** GET /ga4gh/wes/v1/runs/{run_id}/tasks/{task_id}: one attempt (task id = its number). */
export async function getWesTask(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; runId: string; taskId: string; origin: string },
) {
  const run = await getRun(ctx, options);
  const attempt = run.attempts?.find((a) => String(a.attempt) === options.taskId);
  if (!attempt) throw new AppError("NOT_FOUND", `Run ${run.id} has no task "${options.taskId}"`);
  return toWesTask(run, attempt, options.origin);
}
