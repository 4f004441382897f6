/** The events and rules rows of the route table (./routes.ts), in /apidocs order. */
import { z } from "zod";
import {
  ZCreateEventRuleRequest,
  ZEventList,
  ZEventRequest,
  ZEventRuleList,
  ZEventRuleView,
  ZEventView,
  ZListEventsQuery,
  ZUpdateEventRuleRequest,
} from "@/lib/contract/events";
import { answer, location, problem, type RouteSpec } from "./route-spec";

const eventId = z.object({ id: z.string().meta({ description: "The event's id" }) });
const ruleId = z.object({ id: z.string().meta({ description: "The rule's id" }) });
const adminOnly = problem("Only administrators change rules (operators may read them)");
const noRule = problem("No such rule");
const readers = problem("Submitters and tokens limited to events:write cannot see events");
const bodyProblems: RouteSpec["responses"] = {
  "400": problem("Malformed JSON (with line and column)"),
  "413": problem("The body is larger than MAX_BODY_BYTES"),
  "415": problem("The body is not sent as application/json"),
};
const ruleProblems: RouteSpec["responses"] = {
  ...bodyProblems,
  "422": problem(
    "A bad field, an unknown user (`/submitAs`) or pipeline (`/pipeline`), a bad regular expression (`/filter/…`), a substitution that is not a JSON Pointer, or a template that cannot make a config the pipeline's schema accepts (pointers under `/configTemplate`)",
  ),
};

export const eventRoutes: RouteSpec[] = [
  {
    method: "post",
    path: "/api/v1/events",
    tag: "events",
    summary: "Post an event: start the runs of the rules it matches",
    description:
      "Needs an API token with the `events:write` scope (or an administrator). The event is stored once per `id`: the same id again starts nothing new and answers the first outcome (200); with another type or payload it is 409. Each enabled rule of the type whose filter passes starts its pipeline with its config template filled from the event (trigger `event`, labels `event:<id>` and `rule:<rule id>`), or records why not.",
    body: { json: ZEventRequest },
    responses: {
      "201": answer("Received: the outcome of each matching rule", ZEventView, location),
      "200": answer("This id was received before: its outcome", ZEventView, location),
      "202": answer(
        "A type no rule names, stored with no runs (only with EVENTS_UNKNOWN_TYPE=accept)",
        ZEventView,
        location,
      ),
      ...bodyProblems,
      "403": problem("Neither an events:write token nor an administrator"),
      "404": problem("No rule names this event type (EVENTS_UNKNOWN_TYPE=reject, the default)"),
      "409": problem("The id was used before with another type or payload"),
      "422": problem("A bad type, id or payload (JSON Pointers)"),
    },
  },
  {
    method: "get",
    path: "/api/v1/events",
    tag: "events",
    summary: "The latest events",
    description:
      "Newest first, `limit` (at most 100) a page, each with its runs and their states; `nextCursor` leads to the older ones.",
    query: ZListEventsQuery,
    responses: {
      "200": answer("A page of events", ZEventList),
      "400": problem("A bad limit or cursor (JSON Pointers)"),
      "403": readers,
    },
  },
  {
    method: "get",
    path: "/api/v1/events/{id}",
    tag: "events",
    summary: "One event, with its runs and their states",
    params: eventId,
    responses: {
      "200": answer("The event", ZEventView),
      "403": readers,
      "404": problem("No such event"),
    },
  },
  {
    method: "get",
    path: "/api/v1/event-rules",
    tag: "events",
    summary: "List the event rules (administrators, operators)",
    responses: {
      "200": answer("The rules, by event type and name", ZEventRuleList),
      "403": adminOnly,
    },
  },
  {
    method: "post",
    path: "/api/v1/event-rules",
    tag: "events",
    summary: "Create an event rule (administrators)",
    description:
      "Checked in full before it is stored: the template must be able to make a config the pipeline's schema accepts (places holding a substitution are checked at each event).",
    body: { json: ZCreateEventRuleRequest },
    responses: {
      "201": answer("Created (Location names it)", ZEventRuleView, location),
      ...ruleProblems,
      "403": adminOnly,
    },
  },
  {
    method: "get",
    path: "/api/v1/event-rules/{id}",
    tag: "events",
    summary: "One event rule",
    params: ruleId,
    responses: { "200": answer("The rule", ZEventRuleView), "403": adminOnly, "404": noRule },
  },
  {
    method: "patch",
    path: "/api/v1/event-rules/{id}",
    tag: "events",
    summary: "Change an event rule (administrators)",
    description: "Any of the fields; the rule as changed is checked as on create.",
    params: ruleId,
    body: { json: ZUpdateEventRuleRequest },
    responses: {
      "200": answer("The changed rule", ZEventRuleView),
      ...ruleProblems,
      "403": adminOnly,
      "404": noRule,
    },
  },
  {
    method: "delete",
    path: "/api/v1/event-rules/{id}",
    tag: "events",
    summary: "Delete an event rule (administrators)",
    description: "It starts nothing more; the events keep its outcomes and runs.",
    params: ruleId,
    responses: { "204": { description: "Deleted" }, "403": adminOnly, "404": noRule },
  },
];
