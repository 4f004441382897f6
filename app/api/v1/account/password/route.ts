// POST /api/v1/account/password: {currentPassword, newPassword} → 204; wrong current → 422;
// too many wrong ones → 429 with Retry-After.
import { apiRoute } from "@/server/http/api-route";
import { clientIp } from "@/server/http/client-info";
import { readJsonBody, SMALL_BODY_LIMIT } from "@/server/http/json-body";
import { changePassword, ZChangePasswordRequest } from "@/server/users/change-password";

export const POST = apiRoute(async ({ request, app, principal }) => {
  const body = await readJsonBody(request, ZChangePasswordRequest, { limit: SMALL_BODY_LIMIT });
  await changePassword(app, {
    principal,
    ...body.value,
    ip: clientIp(app.config, request.headers),
  });
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
