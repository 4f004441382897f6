// GET /api/v1/runs/{id}/outputs: the files the run's attempts left in their outputs
// folders (path, size, SHA-256, whether the content is stored, download link), newest
// attempt first; ?attempt=N for one attempt. 403/404 as GET /runs/{id}.
import { ZOutputsQuery } from "@/lib/contract/outputs";
import { apiRoute } from "@/server/http/api-route";
import { parseQuery } from "@/server/http/parse-query";
import { json } from "@/server/http/responses";
import { listOutputs } from "@/server/outputs/list-outputs";

export const GET = apiRoute<{ id: string }>(async ({ url, params, app, principal }) => {
  const query = parseQuery(url, ZOutputsQuery);
  const items = await listOutputs(app, { principal, runId: params.id, ...query });
  return json({ items });
});
