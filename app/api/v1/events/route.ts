// POST /api/v1/events: {type, id, payload} → 201 with the runs its rules started (200: the same id again).
// GET /api/v1/events: the latest events with their runs, a page at a time (roles that see every run).
import { ZEventRequest, ZListEventsQuery } from "@/lib/contract/events";
import { listEvents, receiveEvent } from "@/server/events/receive-event";
import { apiRoute } from "@/server/http/api-route";
import { readJsonBody } from "@/server/http/json-body";
import { parseQuery } from "@/server/http/parse-query";
import { json } from "@/server/http/responses";

export const GET = apiRoute(async ({ url, app, principal }) =>
  json(await listEvents(app, principal, parseQuery(url, ZListEventsQuery))),
);

export const POST = apiRoute(
  async ({ request, app, principal }) => {
    const body = await readJsonBody(request, ZEventRequest, { limit: app.config.maxBodyBytes });
    const { view, created, knownType } = await receiveEvent(app, {
      principal,
      event: body.value,
    });
    // 202: a type no rule names, stored without runs (EVENTS_UNKNOWN_TYPE=accept).
    const status = !created ? 200 : knownType ? 201 : 202;
    return json(view, { status, headers: { Location: view.links.self } });
  },
  { scope: "events:write" },
);
