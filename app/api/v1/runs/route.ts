// GET /api/v1/runs: runs the caller may see, filtered and paginated.
// POST /api/v1/runs: submit {pipeline, config, name?, labels?, hold?}; ?dryRun=true validates only.
import { apiRoute } from "@/server/http/api-route";
import { parseQuery } from "@/server/http/parse-query";
import { json } from "@/server/http/responses";
import { handleSubmission } from "@/server/http/submission";
import { ZListRunsQuery } from "@/lib/contract/runs";
import { listRuns } from "@/server/runs/list-runs";

export const GET = apiRoute(async ({ url, app, principal }) => {
  const query = parseQuery(url, ZListRunsQuery, {
    repeatable: ["status", "label"],
    commaLists: ["status"],
  });
  return json(await listRuns(app, { principal, query }));
});

export const POST = apiRoute((call) => handleSubmission(call, "runs"));
