// GET /api/v1/pipelines/{name}/template.xlsx?version=&example=: the version's spreadsheet template.
import { ZTemplateQuery } from "@/lib/contract/pipelines";
import { apiRoute } from "@/server/http/api-route";
import { parseQuery } from "@/server/http/parse-query";
import { XLSX_TYPE } from "@/server/http/read-upload";
import { getTemplate } from "@/server/spreadsheets/get-template";

export const GET = apiRoute<{ name: string }>(async ({ request, url, params, app, principal }) => {
  const { version, example } = parseQuery(url, ZTemplateQuery);
  const template = await getTemplate(app, {
    principal,
    name: params.name,
    ...(version ? { version } : {}),
    example: example === "true",
    ifNoneMatch: request.headers.get("if-none-match"),
  });
  // Kept by the browser and asked again each time: a list refreshed gives a new ETag.
  const caching = { ETag: template.etag, "Cache-Control": "private, no-cache" };
  if (template.notModified) return new Response(null, { status: 304, headers: caching });
  return new Response(new Uint8Array(template.body), {
    headers: {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": `attachment; filename="${template.fileName}"`,
      ...caching,
    },
  });
});
