// POST /api/v1/lists/{name}/refresh: read the source now ("refresh now"; admins) → 200 with the outcome.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { refreshListNow } from "@/server/lists/refresh-list-now";

export const POST = apiRoute<{ name: string }>(async ({ request, params, app, principal }) =>
  json(
    await refreshListNow(app, {
      principal,
      name: params.name,
      ip: clientIp(app.config, request.headers),
    }),
  ),
);
