// GET /api/v1/runs/{id}/outputs/{outputId}: one stored output's content, streamed from
// MySQL as an attachment. 404 when the output is not this run's or was not stored (over
// the store limits); 403 for somebody else's run. The ETag is the content's SHA-256.
import { attachmentDisposition } from "@/lib/outputs/content-disposition";
import { apiRoute } from "@/server/http/api-route";
import { openOutput } from "@/server/outputs/open-output";

/** True when an If-None-Match header names this ETag (or is `*`). */
function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === etag || tag === "*");
}

export const GET = apiRoute<{ id: string; outputId: string }>(
  async ({ request, params, app, principal }) => {
    const output = await openOutput(app, {
      principal,
      runId: params.id,
      outputId: params.outputId,
    });
    const etag = `"${output.sha256}"`;
    const common = { ETag: etag, "Cache-Control": "private, no-cache" };
    if (matches(request.headers.get("if-none-match"), etag)) {
      await output.stream.cancel();
      return new Response(null, { status: 304, headers: common });
    }
    return new Response(output.stream, {
      headers: {
        ...common,
        "Content-Type": "application/octet-stream",
        "Content-Disposition": attachmentDisposition(output.path),
        "Content-Length": String(output.size),
        "X-Content-Type-Options": "nosniff",
      },
    });
  },
);
