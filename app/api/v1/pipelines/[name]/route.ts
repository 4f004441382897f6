// GET /api/v1/pipelines/{name}?version=: one pipeline version's schema and example.
import { ZPipelineQuery } from "@/lib/contract/pipelines";
import { apiRoute } from "@/server/http/api-route";
import { parseQuery } from "@/server/http/parse-query";
import { json } from "@/server/http/responses";
import { getPipeline } from "@/server/pipelines/get-pipeline";

export const GET = apiRoute<{ name: string }>(async ({ url, params, app }) => {
  const { version } = parseQuery(url, ZPipelineQuery);
  return json(
    await getPipeline(app, {
      name: params.name,
      ...(version ? { version } : {}),
    }),
  );
});
