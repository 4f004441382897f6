// POST /api/v1/account/password: {currentPassword, newPassword} → 204; wrong current → 422.
import { apiRoute } from "@/server/http/api-route";
import { changePassword, ZChangePasswordRequest } from "@/server/users/change-password";
import { readAccountRequest } from "@/server/users/read-account-request";

export const POST = apiRoute(async ({ request, app, principal }) => {
  const body = await readAccountRequest(request, ZChangePasswordRequest);
  await changePassword(app, { principal, ...body });
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
