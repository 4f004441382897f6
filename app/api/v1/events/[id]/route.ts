// GET /api/v1/events/{id}: one event, with each matching rule's run and its state, or why it made none.
import { getEvent } from "@/server/events/receive-event";
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";

export const GET = apiRoute<{ id: string }>(async ({ app, principal, params }) =>
  json(await getEvent(app, principal, params.id)),
);
