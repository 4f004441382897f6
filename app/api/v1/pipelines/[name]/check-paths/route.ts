// POST /api/v1/pipelines/{name}/check-paths?version=: the body is a config; answers the
// problems of the files it names (the editor's debounced server check). Stores nothing.
import { ZPipelineQuery } from "@/lib/contract/pipelines";
import { apiRoute } from "@/server/http/api-route";
import { readJsonText } from "@/server/http/json-body";
import { parseQuery } from "@/server/http/parse-query";
import { json } from "@/server/http/responses";
import { checkPipelinePaths } from "@/server/pipelines/check-pipeline-paths";

export const POST = apiRoute<{ name: string }>(async ({ request, url, params, app, principal }) => {
  const { version } = parseQuery(url, ZPipelineQuery);
  const text = await readJsonText(request, app.config.maxBodyBytes);
  return json(
    await checkPipelinePaths(app, {
      principal,
      name: params.name,
      ...(version ? { version } : {}),
      text,
    }),
  );
});
