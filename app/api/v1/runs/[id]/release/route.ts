// POST /api/v1/runs/{id}/release: a held run is queued. 409 when it is not held.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { releaseRun } from "@/server/runs/release-run";

export const POST = apiRoute<{ id: string }>(async ({ request, params, app, principal }) =>
  json(
    await releaseRun(app, {
      principal,
      runId: params.id,
      ip: clientIp(app.config, request.headers),
    }),
  ),
);
