// GET /api/v1/tokens: the caller's API tokens (never the tokens themselves).
// POST /api/v1/tokens: {name, expiresInDays?} → 201 with the new token, shown only this once.
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { createApiToken, ZCreateApiTokenRequest } from "@/server/users/create-api-token";
import { listApiTokens } from "@/server/users/list-api-tokens";
import { readAccountRequest } from "@/server/users/read-account-request";

export const GET = apiRoute(async ({ app, principal }) =>
  json(await listApiTokens(app, { principal })),
);

export const POST = apiRoute(async ({ request, app, principal }) => {
  const body = await readAccountRequest(request, ZCreateApiTokenRequest);
  return json(await createApiToken(app, { principal, ...body }), { status: 201 });
});
