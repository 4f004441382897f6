// POST /ga4gh/wes/v1/runs/{run_id}/cancel: Runport's cancel; answers RunId. Again for a
// cancelled run: the same answer; a run that finished otherwise: 400.
import { clientIp } from "@/server/http/client-info";
import { json } from "@/server/http/responses";
import { wesRoute } from "@/server/http/wes-route";
import { cancelWesRun } from "@/server/wes/cancel-wes-run";

export const POST = wesRoute<{ run_id: string }>(async ({ request, params, app, principal }) => {
  const ip = clientIp(app.config, request.headers);
  return json(await cancelWesRun(app, { principal, runId: params.run_id, ip }));
});
