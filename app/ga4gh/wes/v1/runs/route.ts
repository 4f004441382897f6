// GET /ga4gh/wes/v1/runs: the runs the caller may see as RunSummary, page_size/page_token.
// POST /ga4gh/wes/v1/runs: RunWorkflow (multipart form) through Runport's submitRun.
import { ZWesPageQuery } from "@/lib/contract/wes";
import { parseQuery } from "@/server/http/parse-query";
import { json } from "@/server/http/responses";
import { wesRoute } from "@/server/http/wes-route";
import { listWesRuns } from "@/server/wes/list-wes-runs";
import { readWesRunForm } from "@/server/wes/read-wes-run-form";
import { submitWesRun } from "@/server/wes/submit-wes-run";

export const GET = wesRoute(async ({ url, app, principal }) =>
  json(await listWesRuns(app, { principal, query: parseQuery(url, ZWesPageQuery) })),
);

export const POST = wesRoute(async ({ request, app, principal }) => {
  const form = await readWesRunForm(request, app.config.maxBodyBytes);
  return json(await submitWesRun(app, { principal, form }));
});
