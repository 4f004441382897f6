// GET /api/v1/runs/{id}/logs?cursor=N: the log as text from byte N.
// X-Next-Cursor says where to continue; X-More-Data says whether more may come.
// With Accept: text/event-stream it follows the run live (Server-Sent Events);
// with ?download=true it sends the whole log as a file.
import { ZLogQuery } from "@/lib/contract/runs";
import { attachmentDisposition } from "@/lib/outputs/content-disposition";
import { apiRoute } from "@/server/http/api-route";
import { parseQuery } from "@/server/http/parse-query";
import { downloadRunLog } from "@/server/runs/download-run-log";
import { getRunLogs } from "@/server/runs/get-run-logs";
import { streamRunLog } from "@/server/runs/stream-run-log";

export const GET = apiRoute<{ id: string }>(async ({ request, url, params, app, principal }) => {
  const query = parseQuery(url, ZLogQuery);
  if (query.download === "true") {
    const { stream, filename } = await downloadRunLog(app, { principal, runId: params.id });
    return new Response(stream, {
      headers: {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Disposition": attachmentDisposition(filename),
        "Cache-Control": "no-store",
      },
    });
  }
  if ((request.headers.get("accept") ?? "").includes("text/event-stream")) {
    const resume = Number(request.headers.get("last-event-id") ?? "NaN");
    const stream = await streamRunLog(app, {
      principal,
      runId: params.id,
      cursor: Number.isSafeInteger(resume) && resume >= 0 ? resume : query.cursor,
      signal: request.signal,
    });
    return new Response(stream, {
      headers: {
        "Content-Type": "text/event-stream; charset=utf-8",
        // no-transform: no gzip (it would hold small events back and cost more than it saves)
        "Cache-Control": "no-store, no-transform",
        "X-Accel-Buffering": "no",
      },
    });
  }
  const page = await getRunLogs(app, {
    principal,
    runId: params.id,
    cursor: query.cursor,
    ...(query.limit ? { limitBytes: query.limit } : {}),
  });
  return new Response(page.text, {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Next-Cursor": String(page.nextCursor),
      "X-More-Data": String(page.moreData),
    },
  });
});
