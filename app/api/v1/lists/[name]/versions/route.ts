// GET /api/v1/lists/{name}/versions: the kept versions of a list, newest first (admins).
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { listListVersions } from "@/server/lists/list-list-versions";

export const GET = apiRoute<{ name: string }>(async ({ params, app, principal }) =>
  json(await listListVersions(app, { principal, name: params.name })),
);
