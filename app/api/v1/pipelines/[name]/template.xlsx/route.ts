// GET /api/v1/pipelines/{name}/template.xlsx?version=&example=: the version's spreadsheet template.
import { ZTemplateQuery } from "@/lib/contract/pipelines";
import { apiRoute } from "@/server/http/api-route";
import { parseQuery } from "@/server/http/parse-query";
import { XLSX_TYPE } from "@/server/http/read-upload";
import { getTemplate } from "@/server/spreadsheets/get-template";

export const GET = apiRoute<{ name: string }>(async ({ url, params, app }) => {
  const { version, example } = parseQuery(url, ZTemplateQuery);
  const template = await getTemplate(app, {
    name: params.name,
    ...(version ? { version } : {}),
    example: example === "true",
  });
  return new Response(new Uint8Array(template.body), {
    headers: {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": `attachment; filename="${template.fileName}"`,
      "Cache-Control": "private, no-store",
    },
  });
});
