// POST /api/v1/spreadsheets/convert: a workbook or CSV → {pipeline, config, problems} for review;
// nothing is stored (the new-run page puts the config in its editor).
import { apiRoute } from "@/server/http/api-route";
import { readUpload } from "@/server/http/read-upload";
import { json } from "@/server/http/responses";
import { convertSpreadsheet } from "@/server/spreadsheets/convert-spreadsheet";

export const POST = apiRoute(async ({ request, url, app, principal }) => {
  const upload = await readUpload(app, request, url, app.config.maxBodyBytes);
  return json(await convertSpreadsheet(app, { principal, ...upload }));
});
