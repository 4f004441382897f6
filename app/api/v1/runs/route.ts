// GET /api/v1/runs: runs the caller may see, filtered and paginated. It answers with an
// ETag from the change counter: If-None-Match with it gets a 304 without a database query.
// POST /api/v1/runs: submit {pipeline, config, name?, labels?, hold?}; ?dryRun=true validates only.
import { withChangesEtag } from "@/server/changes/changes-etag";
import { apiRoute } from "@/server/http/api-route";
import { parseQuery } from "@/server/http/parse-query";
import { handleSubmission } from "@/server/http/submission";
import { ZListRunsQuery } from "@/lib/contract/runs";
import { listRuns } from "@/server/runs/list-runs";

export const GET = apiRoute(async ({ request, url, app, principal }) => {
  const query = parseQuery(url, ZListRunsQuery, {
    repeatable: ["status", "label"],
    commaLists: ["status"],
  });
  const read = () => listRuns(app, { principal, query });
  return withChangesEtag(app, { request, principal, read });
});

export const POST = apiRoute((call) => handleSubmission(call, "runs"));
