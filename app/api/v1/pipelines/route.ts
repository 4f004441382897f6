// GET /api/v1/pipelines: every pipeline with its versions.
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { listPipelines } from "@/server/pipelines/list-pipelines";

export const GET = apiRoute(async ({ app }) => json({ items: await listPipelines(app) }));
