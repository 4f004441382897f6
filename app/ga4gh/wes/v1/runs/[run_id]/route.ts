// GET /ga4gh/wes/v1/runs/{run_id}: RunLog (request, state, run_log, task_logs_url, outputs).
import { json } from "@/server/http/responses";
import { wesOrigin, wesRoute } from "@/server/http/wes-route";
import { getWesRunLog } from "@/server/wes/get-wes-run-log";

export const GET = wesRoute<{ run_id: string }>(async (call) =>
  json(
    await getWesRunLog(call.app, {
      principal: call.principal,
      runId: call.params.run_id,
      origin: wesOrigin(call),
    }),
  ),
);
