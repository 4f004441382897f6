// GET /ga4gh/wes/v1/runs/{run_id}/tasks: one TaskLog per attempt, page_size/page_token.
import { ZWesPageQuery } from "@/lib/contract/wes";
import { parseQuery } from "@/server/http/parse-query";
import { json } from "@/server/http/responses";
import { wesOrigin, wesRoute } from "@/server/http/wes-route";
import { listWesTasks } from "@/server/wes/list-wes-tasks";

export const GET = wesRoute<{ run_id: string }>(async (call) =>
  json(
    await listWesTasks(call.app, {
      principal: call.principal,
      runId: call.params.run_id,
      origin: wesOrigin(call),
      query: parseQuery(call.url, ZWesPageQuery),
    }),
  ),
);
