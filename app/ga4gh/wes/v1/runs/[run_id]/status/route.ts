// GET /ga4gh/wes/v1/runs/{run_id}/status: RunStatus {run_id, state}.
import { json } from "@/server/http/responses";
import { wesRoute } from "@/server/http/wes-route";
import { getWesRunStatus } from "@/server/wes/get-wes-run-status";

export const GET = wesRoute<{ run_id: string }>(async ({ params, app, principal }) =>
  json(await getWesRunStatus(app, { principal, runId: params.run_id })),
);
