// GET /api/v1/operations (admins): workers, beat, queue, runs by status and per hour, intake.
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { getOperations } from "@/server/operations/get-operations";

export const GET = apiRoute(async ({ app, principal }) =>
  json(await getOperations(app, { principal })),
);
