// POST /api/v1/operations/intake {"paused": true|false} (admins): workers stop or resume
// taking new runs; submissions are accepted either way.
import { z } from "zod";
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { setIntake } from "@/server/operations/intake";
import { readAccountRequest } from "@/server/users/read-account-request";

const ZIntakeRequest = z.strictObject({ paused: z.boolean() });

export const POST = apiRoute(async ({ request, app, principal }) => {
  const body = await readAccountRequest(request, ZIntakeRequest);
  return json(await setIntake(app, { principal, paused: body.paused }));
});
