// PATCH /api/v1/users/{username} (admins): {disabled?, role?, maxRunningRuns?} → 200, the user.
// Disabling or another role ends the user's sessions, cached credentials and live views at once.
// DELETE /api/v1/users/{username} (admins): → 204 for a user who left nothing behind; else 409.
import { ZUpdateUserRequest } from "@/lib/contract/users";
import { apiRoute } from "@/server/http/api-route";
import { clientIp } from "@/server/http/client-info";
import { readJsonBody, SMALL_BODY_LIMIT } from "@/server/http/json-body";
import { json } from "@/server/http/responses";
import { deleteUser } from "@/server/users/delete-user";
import { updateUser } from "@/server/users/update-user";

export const PATCH = apiRoute<{ username: string }>(async ({ request, params, app, principal }) => {
  const body = await readJsonBody(request, ZUpdateUserRequest, { limit: SMALL_BODY_LIMIT });
  const by = { principal, ip: clientIp(app.config, request.headers) };
  return json(await updateUser(app, { by, username: params.username, changes: body.value }));
});

export const DELETE = apiRoute<{ username: string }>(
  async ({ request, params, app, principal }) => {
    await deleteUser(app, {
      by: { principal, ip: clientIp(app.config, request.headers) },
      username: params.username,
    });
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
);
