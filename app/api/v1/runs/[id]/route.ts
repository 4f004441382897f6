// GET /api/v1/runs/{id}: one run with config, events and attempts.
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { getRun } from "@/server/runs/get-run";

export const GET = apiRoute<{ id: string }>(async ({ params, app, principal }) =>
  json(await getRun(app, { principal, runId: params.id })),
);
