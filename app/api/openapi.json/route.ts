// GET /api/openapi.json (no auth): the OpenAPI 3.1 document of the REST API.
import { openApiDocument } from "@/server/openapi/document";

export const dynamic = "force-static";

export function GET(): Response {
  return Response.json(openApiDocument);
}
