// GET /api/v1/runs/{id}/outputs/{outputId}/raw: an image or HTML output served inline for
// the run page's preview, with a sandboxing Content-Security-Policy (no same origin, no
// network, scripts only when the pipeline opts in). 404 for other kinds and over the
// preview limits; 403/404 as the download.
import { inlineDisposition } from "@/lib/outputs/content-disposition";
import { apiRoute } from "@/server/http/api-route";
import { openRawOutput } from "@/server/outputs/open-raw-output";

export const GET = apiRoute<{ id: string; outputId: string }>(
  async ({ params, app, principal }) => {
    const { output, mediaType, policy } = await openRawOutput(app, {
      principal,
      runId: params.id,
      outputId: params.outputId,
    });
    return new Response(output.stream, {
      headers: {
        "Content-Type": mediaType,
        "Content-Length": String(output.size),
        "Content-Disposition": inlineDisposition(output.path),
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-cache",
        ETag: `"${output.sha256}"`,
      },
    });
  },
);
