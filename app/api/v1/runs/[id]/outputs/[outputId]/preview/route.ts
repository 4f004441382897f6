// GET /api/v1/runs/{id}/outputs/{outputId}/preview: what the run page shows of one stored
// output, by kind: a page of a table, the first bytes of a text, a JSON document, or the
// inline URL of an image or HTML report. 403/404 as the download.
import { ZPreviewQuery } from "@/lib/contract/outputs";
import { apiRoute } from "@/server/http/api-route";
import { parseQuery } from "@/server/http/parse-query";
import { json } from "@/server/http/responses";
import { previewOutput } from "@/server/outputs/preview-output";

export const GET = apiRoute<{ id: string; outputId: string }>(
  async ({ url, params, app, principal }) => {
    const query = parseQuery(url, ZPreviewQuery);
    const preview = await previewOutput(app, {
      principal,
      runId: params.id,
      outputId: params.outputId,
      query,
    });
    return json(preview);
  },
);
