// POST /api/v1/runs/{id}/release: a held run is queued. 409 when it is not held.
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { releaseRun } from "@/server/runs/release-run";

export const POST = apiRoute<{ id: string }>(async ({ params, app, principal }) =>
  json(await releaseRun(app, { principal, runId: params.id })),
);
