// POST /api/v1/operations/workers/reload (admins): the active beat drains every live worker,
// one at a time; progress in GET /api/v1/operations (`reload`). 409 while one goes on.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { reloadWorkers } from "@/server/operations/drain-workers";

export const POST = apiRoute(async ({ request, app, principal }) =>
  json(await reloadWorkers(app, { principal, ip: clientIp(app.config, request.headers) }), {
    status: 202,
  }),
);
