// GET /api/v1/runs/{id}/logs?cursor=N: the log as text from byte N.
// X-Next-Cursor says where to continue; X-More-Data says whether more may come.
import { z } from "zod";
import { apiRoute } from "@/server/http/api-route";
import { parseQuery } from "@/server/http/parse-query";
import { getRunLogs } from "@/server/runs/get-run-logs";

const ZLogQuery = z.object({
  cursor: z.coerce.number().int().min(0).default(0),
  limit: z.coerce
    .number()
    .int()
    .min(1024)
    .max(8 * 1024 * 1024)
    .optional(),
});

export const GET = apiRoute<{ id: string }>(async ({ url, params, app, principal }) => {
  const query = parseQuery(url, ZLogQuery);
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
