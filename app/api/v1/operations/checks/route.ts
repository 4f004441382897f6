// GET /api/v1/operations/checks (admins): the checks of `npm run doctor`, run now by the web
// process (server/operations/doctor.ts).
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { requireAdmin } from "@/server/auth/require-role";
import { runDoctor } from "@/server/operations/doctor";

export const GET = apiRoute(async ({ app, principal }) => {
  requireAdmin(principal, "run the deployment checks");
  return json({ checks: await runDoctor(app.config) });
});
