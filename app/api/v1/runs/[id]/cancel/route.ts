// POST /api/v1/runs/{id}/cancel: 202 with the new status; 409 when the run has finished.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { cancelRun } from "@/server/runs/cancel-run";

export const POST = apiRoute<{ id: string }>(async ({ request, params, app, principal }) =>
  json(
    await cancelRun(app, {
      principal,
      runId: params.id,
      ip: clientIp(app.config, request.headers),
    }),
    { status: 202 },
  ),
);
