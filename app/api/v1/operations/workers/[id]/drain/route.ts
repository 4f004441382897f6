// POST /api/v1/operations/workers/{id}/drain (admins): the worker takes no new runs, finishes
// or hands back its runs and exits; its supervisor starts a fresh one. 404: no such live worker.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { drainWorker } from "@/server/operations/drain-workers";

export const POST = apiRoute<{ id: string }>(async ({ request, params, app, principal }) =>
  json(
    await drainWorker(app, {
      principal,
      workerId: params.id,
      ip: clientIp(app.config, request.headers),
    }),
    { status: 202 },
  ),
);
