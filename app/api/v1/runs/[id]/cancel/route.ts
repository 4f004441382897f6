// POST /api/v1/runs/{id}/cancel: 202 with the new status; 409 when the run has finished.
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { cancelRun } from "@/server/runs/cancel-run";

export const POST = apiRoute<{ id: string }>(async ({ params, app, principal }) =>
  json(await cancelRun(app, { principal, runId: params.id }), { status: 202 }),
);
