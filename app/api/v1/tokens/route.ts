// GET /api/v1/tokens: the caller's API tokens (never the tokens themselves).
// POST /api/v1/tokens: {name, expiresInDays?} → 201 with the new token, shown only this once.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { readJsonBody, SMALL_BODY_LIMIT } from "@/server/http/json-body";
import { json } from "@/server/http/responses";
import { createApiToken, ZCreateApiTokenRequest } from "@/server/users/create-api-token";
import { listApiTokens } from "@/server/users/list-api-tokens";

export const GET = apiRoute(async ({ app, principal }) =>
  json(await listApiTokens(app, { principal })),
);

export const POST = apiRoute(async ({ request, app, principal }) => {
  const body = await readJsonBody(request, ZCreateApiTokenRequest, { limit: SMALL_BODY_LIMIT });
  return json(
    await createApiToken(app, {
      principal,
      ...body.value,
      ip: clientIp(app.config, request.headers),
    }),
    { status: 201 },
  );
});
