// GET /api/v1/lists: every reference list (admins).
// POST /api/v1/lists: {name, source, cron?, timeZone?, perUser?, description?} → 201 + Location.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { readJsonText } from "@/server/http/json-body";
import { json } from "@/server/http/responses";
import { createList } from "@/server/lists/create-list";
import { listLists } from "@/server/lists/list-lists";

export const GET = apiRoute(async ({ app, principal }) =>
  json(await listLists(app, { principal })),
);

export const POST = apiRoute(async ({ request, app, principal }) => {
  const bodyText = await readJsonText(request, app.config.maxBodyBytes);
  const list = await createList(app, {
    principal,
    bodyText,
    ip: clientIp(app.config, request.headers),
  });
  return json(list, { status: 201, headers: { Location: list.links.self } });
});
