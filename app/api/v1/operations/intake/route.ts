// POST /api/v1/operations/intake {"paused": true|false} (admins): workers stop or resume
// taking new runs; submissions are accepted either way.
import { clientIp } from "@/server/http/client-info";
import { ZIntakeRequest } from "@/lib/contract/operations";
import { apiRoute } from "@/server/http/api-route";
import { readJsonBody, SMALL_BODY_LIMIT } from "@/server/http/json-body";
import { json } from "@/server/http/responses";
import { setIntake } from "@/server/operations/intake";

export const POST = apiRoute(async ({ request, app, principal }) => {
  const body = await readJsonBody(request, ZIntakeRequest, { limit: SMALL_BODY_LIMIT });
  return json(
    await setIntake(app, {
      principal,
      paused: body.value.paused,
      ip: clientIp(app.config, request.headers),
    }),
  );
});
