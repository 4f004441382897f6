// GET /api/v1/audit: the audit log, newest first (administrators); filters and a cursor.
import { ZListAuditQuery } from "@/lib/contract/audit";
import { listAuditEvents } from "@/server/audit/list-audit-events";
import { apiRoute } from "@/server/http/api-route";
import { parseQuery } from "@/server/http/parse-query";
import { json } from "@/server/http/responses";

export const GET = apiRoute(async ({ url, app, principal }) => {
  const query = parseQuery(url, ZListAuditQuery, {
    repeatable: ["action"],
    commaLists: ["action"],
  });
  return json(await listAuditEvents(app, { principal, query }));
});
