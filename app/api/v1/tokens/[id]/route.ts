// DELETE /api/v1/tokens/{id}: revokes one of the caller's tokens → 204 (again: 204; not theirs: 404).
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { revokeApiToken } from "@/server/users/revoke-api-token";

export const DELETE = apiRoute<{ id: string }>(async ({ request, params, app, principal }) => {
  await revokeApiToken(app, {
    principal,
    tokenId: params.id,
    ip: clientIp(app.config, request.headers),
  });
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
