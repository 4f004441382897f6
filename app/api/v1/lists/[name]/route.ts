// GET /api/v1/lists/{name}: one reference list (admins).
// PATCH /api/v1/lists/{name}: change its description, source, schedule, per-user flag → 200.
// DELETE /api/v1/lists/{name}: → 204; its versions go with it.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { readJsonText } from "@/server/http/json-body";
import { json } from "@/server/http/responses";
import { deleteList } from "@/server/lists/delete-list";
import { getList } from "@/server/lists/list-lists";
import { updateList } from "@/server/lists/update-list";

export const GET = apiRoute<{ name: string }>(async ({ params, app, principal }) =>
  json(await getList(app, { principal, name: params.name })),
);

export const PATCH = apiRoute<{ name: string }>(async ({ request, params, app, principal }) => {
  const bodyText = await readJsonText(request, app.config.maxBodyBytes);
  return json(
    await updateList(app, {
      principal,
      name: params.name,
      bodyText,
      ip: clientIp(app.config, request.headers),
    }),
  );
});

export const DELETE = apiRoute<{ name: string }>(async ({ request, params, app, principal }) => {
  await deleteList(app, {
    principal,
    name: params.name,
    ip: clientIp(app.config, request.headers),
  });
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
