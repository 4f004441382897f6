// GET /api/v1/changes: the change feed of runs (Server-Sent Events), for live list views.
// `ready` on open, `change` per change of a run the caller may see, `resync` after missed
// announcements; a heartbeat every 15 s. 503 when Redis is away (poll with If-None-Match).
import { apiRoute } from "@/server/http/api-route";
import { streamChanges } from "@/server/changes/stream-changes";

export const GET = apiRoute(async ({ request, app, principal }) => {
  const stream = await streamChanges(app, { principal, signal: request.signal });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
});
