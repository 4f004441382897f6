/** The reference lists' rows of the route table (./routes.ts), in /apidocs order. */
import { z } from "zod";
import {
  ZCreateListRequest,
  ZListList,
  ZListValues,
  ZListValuesQuery,
  ZListVersionList,
  ZListView,
  ZRefreshResult,
  ZUpdateListRequest,
} from "@/lib/contract/lists";
import { answer, location, problem, type RouteSpec } from "./route-spec";

const listName = z.object({ name: z.string().meta({ description: "The list's name" }) });
const adminOnly = problem("Only administrators manage lists");
const noList = problem("No such list");
const bodyProblems: RouteSpec["responses"] = {
  "400": problem("Malformed JSON (with line and column)"),
  "413": problem("The body is larger than MAX_BODY_BYTES"),
  "415": problem("The body is not sent as application/json"),
  "422": problem(
    "A bad name, source, cron expression (`/cron`) or time zone (`/timeZone`), a URL whose host is not in LIST_URL_HOSTS (`/source/url`), or `perUser` without a command taking `{username}`",
  ),
};

export const listRoutes: RouteSpec[] = [
  {
    method: "get",
    path: "/api/v1/lists",
    tag: "lists",
    summary: "List the reference lists (administrators)",
    description:
      "Each with its source, current version (count, hash), next refresh and last error.",
    responses: { "200": answer("The lists, by name", ZListList), "403": adminOnly },
  },
  {
    method: "post",
    path: "/api/v1/lists",
    tag: "lists",
    summary: "Define a reference list (administrators)",
    description:
      "A name, a source (a file inside LIST_FILE_ROOTS or DATA_ROOTS, an http(s) URL on LIST_URL_HOSTS, or a command as an argv array) and a refresh schedule (cron, default hourly). The first refresh is due at once.",
    body: { json: ZCreateListRequest },
    responses: {
      "201": answer("Created (Location names it)", ZListView, location),
      ...bodyProblems,
      "403": adminOnly,
      "409": problem("A list of that name exists"),
    },
  },
  {
    method: "get",
    path: "/api/v1/lists/{name}",
    tag: "lists",
    summary: "One reference list (administrators)",
    params: listName,
    responses: { "200": answer("The list", ZListView), "403": adminOnly, "404": noList },
  },
  {
    method: "patch",
    path: "/api/v1/lists/{name}",
    tag: "lists",
    summary: "Change a reference list (administrators)",
    description: "Any field but the name. A new source or schedule makes a refresh due at once.",
    params: listName,
    body: { json: ZUpdateListRequest },
    responses: {
      "200": answer("The changed list", ZListView),
      ...bodyProblems,
      "403": adminOnly,
      "404": noList,
    },
  },
  {
    method: "delete",
    path: "/api/v1/lists/{name}",
    tag: "lists",
    summary: "Delete a reference list (administrators)",
    description: "Its versions go with it; schemas naming it are no longer checked (a warning).",
    params: listName,
    responses: { "204": { description: "Deleted" }, "403": adminOnly, "404": noList },
  },
  {
    method: "post",
    path: "/api/v1/lists/{name}/refresh",
    tag: "lists",
    summary: "Refresh a list now (administrators)",
    description:
      "Reads the source at once. A new version is stored only when the values changed; a failing source keeps the last good version and is answered as `outcome: failed` with the reason.",
    params: listName,
    responses: {
      "200": answer("What the refresh did", ZRefreshResult),
      "403": adminOnly,
      "404": noList,
      "409": problem("The list is being refreshed already"),
    },
  },
  {
    method: "get",
    path: "/api/v1/lists/{name}/versions",
    tag: "lists",
    summary: "The kept versions of a list (administrators)",
    description:
      "Newest first, each with its count, hash and time; `current` marks the one submissions are checked against. A failed refresh adds none.",
    params: listName,
    responses: {
      "200": answer("The versions", ZListVersionList),
      "403": adminOnly,
      "404": noList,
    },
  },
  {
    method: "get",
    path: "/api/v1/lists/{name}/values",
    tag: "lists",
    summary: "Search a list's values (roles that may submit)",
    description:
      "Values of the current version starting with `q`, then values or labels containing it (case-insensitive), at most `limit`. A per-user list answers the caller's own values only. The editor's completions and the form's select ask it as the user types: the browser never holds a whole list.",
    params: listName,
    query: ZListValuesQuery,
    responses: {
      "200": answer("The matching values", ZListValues),
      "400": problem("A bad query parameter"),
      "403": problem("The caller's role cannot submit runs"),
      "404": noList,
    },
  },
];
