// GET /api/v1/lists/{name}/values?q=&limit=: search the current values (those who may submit; per-user lists: the caller's).
import { ZListValuesQuery } from "@/lib/contract/lists";
import { apiRoute } from "@/server/http/api-route";
import { parseQuery } from "@/server/http/parse-query";
import { json } from "@/server/http/responses";
import { searchListValues } from "@/server/lists/search-list-values";

export const GET = apiRoute<{ name: string }>(async ({ url, params, app, principal }) => {
  const query = parseQuery(url, ZListValuesQuery);
  return json(await searchListValues(app, { principal, name: params.name, query }));
});
