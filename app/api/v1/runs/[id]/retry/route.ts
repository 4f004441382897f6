// POST /api/v1/runs/{id}/retry: a new run from a finished run's request, linked to it.
// 201 + Location; 409 while the run has not finished.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { retryRun } from "@/server/runs/retry-run";
import { toRunView } from "@/server/runs/run-view";

export const POST = apiRoute<{ id: string }>(async ({ request, params, app, principal }) => {
  const run = await retryRun(app, {
    principal,
    runId: params.id,
    ip: clientIp(app.config, request.headers),
  });
  const view = toRunView(run, { submitter: principal.username });
  return json(view, { status: 201, headers: { Location: view.links.self } });
});
