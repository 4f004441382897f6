// GET /api/v1/users (admins): every user, disabled ones included.
// POST /api/v1/users (admins): {username, role?, email?, password?, maxRunningRuns?} → 201
// with the user and, when none was given, the generated password (shown once).
import { ZCreateUserRequest } from "@/lib/contract/users";
import { apiRoute } from "@/server/http/api-route";
import { clientIp } from "@/server/http/client-info";
import { readJsonBody, SMALL_BODY_LIMIT } from "@/server/http/json-body";
import { json } from "@/server/http/responses";
import { createUserByAdmin } from "@/server/users/create-user-by-admin";
import { listUsers } from "@/server/users/list-users";

export const GET = apiRoute(async ({ app, principal }) =>
  json(await listUsers(app, { principal })),
);

export const POST = apiRoute(async ({ request, app, principal }) => {
  const body = await readJsonBody(request, ZCreateUserRequest, { limit: SMALL_BODY_LIMIT });
  return json(
    await createUserByAdmin(app, {
      by: { principal, ip: clientIp(app.config, request.headers) },
      ...body.value,
    }),
    {
      status: 201,
    },
  );
});
