// POST /ga4gh/wes/v1/runs/{run_id}/cancel: Runport's cancelRun; answers RunId. A run that
// has finished is a 400 (Runport's 409).
import { clientIp } from "@/server/http/client-info";
import { json } from "@/server/http/responses";
import { wesRoute } from "@/server/http/wes-route";
import { cancelRun } from "@/server/runs/cancel-run";

export const POST = wesRoute<{ run_id: string }>(async ({ request, params, app, principal }) => {
  const ip = clientIp(app.config, request.headers);
  await cancelRun(app, { principal, runId: params.run_id, ip });
  return json({ run_id: params.run_id });
});
