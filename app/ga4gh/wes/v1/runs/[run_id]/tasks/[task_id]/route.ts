// GET /ga4gh/wes/v1/runs/{run_id}/tasks/{task_id}: one TaskLog (task id = attempt number).
import { json } from "@/server/http/responses";
import { wesOrigin, wesRoute } from "@/server/http/wes-route";
import { getWesTask } from "@/server/wes/get-wes-task";

export const GET = wesRoute<{ run_id: string; task_id: string }>(async (call) =>
  json(
    await getWesTask(call.app, {
      principal: call.principal,
      runId: call.params.run_id,
      taskId: call.params.task_id,
      origin: wesOrigin(call),
    }),
  ),
);
