import { operationsPaths, operationsSchemas } from "./operations-paths";
import { outputPaths, outputSchemas } from "./output-paths";
import { problem } from "./problem";
import { schedulePaths, scheduleSchemas } from "./schedule-paths";
import { schemas } from "./schemas";
import {
  spreadsheetBodies,
  spreadsheetPaths,
  spreadsheetProblems,
  spreadsheetQuery,
  spreadsheetSchemas,
} from "./spreadsheet-paths";

/**
 * The OpenAPI 3.1 document of the REST API, served at /api/openapi.json and rendered
 * at /apidocs. Written by hand next to the routes; a test checks that every route
 * file has its path here and that the document is valid.
 */
const ok = (description: string, schema: string, status = "200") => ({
  [status]: {
    description,
    content: { "application/json": { schema: { $ref: `#/components/schemas/${schema}` } } },
  },
});
const common = {
  "401": problem("No or wrong credentials (carries `WWW-Authenticate: Basic`)"),
  "403": problem("Authenticated, but the role or ownership does not allow it"),
};
const runId = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string" },
  description: "The run's id",
};
const submission = {
  "400": problem("Malformed JSON (with line and column) or a bad Idempotency-Key"),
  ...common,
  "409": problem("The Idempotency-Key was used before with another body"),
  "413": problem("The body is larger than MAX_BODY_BYTES"),
  "415": problem("The body is not JSON, an .xlsx workbook, CSV or multipart/form-data"),
  "422": problem(
    `The config violates the pipeline's schema (JSON Pointers, lines, columns), or the pipeline or version is unknown. ${spreadsheetProblems}`,
  ),
};
const submitParameters = [
  {
    name: "dryRun",
    in: "query",
    schema: { type: "boolean" },
    description: "Validate only; nothing is stored",
  },
  spreadsheetQuery,
  {
    name: "Idempotency-Key",
    in: "header",
    schema: { type: "string", maxLength: 255 },
    description:
      "Makes a retried POST safe: the same key and body return the original run (200); another body is a 409",
  },
];

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Runport API",
    version: "1.0.0",
    description:
      "Submit pipeline runs, follow them and cancel them. Authenticate with HTTP Basic (username and password, or username and an API token as the password; tokens are recommended for scripts) or `Authorization: Bearer <token>`. Errors are `application/problem+json`.",
  },
  servers: [{ url: "/" }],
  security: [{ basic: [] }, { bearer: [] }],
  tags: [
    { name: "runs" },
    { name: "pipelines" },
    { name: "schedules" },
    { name: "account" },
    { name: "system" },
  ],
  paths: {
    "/api/v1/runs": {
      get: {
        tags: ["runs"],
        summary: "List runs",
        description:
          "Runs the caller may see (submitters: their own; other roles: all), newest first.",
        parameters: [
          {
            name: "status",
            in: "query",
            schema: { type: "array", items: { type: "string" } },
            style: "form",
            explode: true,
            description: "Repeatable, or comma-separated",
          },
          {
            name: "pipeline",
            in: "query",
            schema: { type: "string" },
            description: "name or name@version",
          },
          {
            name: "user",
            in: "query",
            schema: { type: "string" },
            description: "Submitter's username",
          },
          {
            name: "label",
            in: "query",
            schema: { type: "array", items: { type: "string" } },
            description: "key:value, repeatable",
          },
          {
            name: "q",
            in: "query",
            schema: { type: "string" },
            description: "Text in the name, id or pipeline",
          },
          {
            name: "limit",
            in: "query",
            schema: { type: "integer", minimum: 1, maximum: 200, default: 50 },
          },
          {
            name: "cursor",
            in: "query",
            schema: { type: "string" },
            description: "nextCursor of the previous page",
          },
        ],
        responses: {
          ...ok("A page of runs", "RunList"),
          "400": problem("A bad filter"),
          ...common,
        },
      },
      post: {
        tags: ["runs"],
        summary: "Submit a run",
        description:
          "JSON `{pipeline, config, name?, labels?, hold?, priority?}`, or a filled-in spreadsheet template: the .xlsx as the body, a CSV of the samples, or multipart `file`: `curl --user USER:TOKEN -F file=@filled.xlsx https://runport.example/api/v1/runs` (add `?dryRun=true` to get the JSON it becomes without creating a run).",
        parameters: submitParameters,
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/CreateRunRequest" } },
            ...spreadsheetBodies,
          },
        },
        responses: {
          ...ok("Created (Location names it)", "Run", "201"),
          "200": {
            description:
              "A dry run's result (`{valid, pipeline, config}`), or the original run of a replayed Idempotency-Key",
          },
          ...submission,
        },
      },
    },
    "/api/v1/new-run/": {
      post: {
        tags: ["runs"],
        summary: "Submit a run (the old portal's contract)",
        description:
          "The body is the config itself and names its pipeline in `pipeline`. Works with or without the trailing slash: `curl --user USER:TOKEN -H 'Content-Type: application/json' -d @example.json https://runport.example/api/v1/new-run/`. A filled-in spreadsheet template works here too (the .xlsx body or multipart `file`), as on POST /api/v1/runs.",
        parameters: submitParameters,
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/LegacyRunRequest" } },
            ...spreadsheetBodies,
          },
        },
        responses: {
          ...ok("Created", "Run", "201"),
          "200": { description: "Dry run, or Idempotency-Key replay" },
          ...submission,
        },
      },
    },
    "/api/v1/runs/{id}": {
      get: {
        tags: ["runs"],
        summary: "One run, with its config, events and attempts",
        parameters: [runId],
        responses: { ...ok("The run", "Run"), ...common, "404": problem("No such run") },
      },
    },
    "/api/v1/runs/{id}/logs": {
      get: {
        tags: ["runs"],
        summary: "The run's log from a byte offset",
        description:
          "Returns text from `cursor`. Continue with the `X-Next-Cursor` header; `X-More-Data: true` means the run may still write, or the page stopped at its size limit. With `Accept: text/event-stream` it follows the run live as Server-Sent Events: `log` (`{offset, text}`; the event id is the next cursor, so a reconnecting EventSource resumes), `status` (the run's state when it changes) and `end` (the run finished and everything was sent). With `download=true` it sends the whole log as a file.",
        parameters: [
          runId,
          { name: "cursor", in: "query", schema: { type: "integer", minimum: 0, default: 0 } },
          {
            name: "limit",
            in: "query",
            schema: { type: "integer", minimum: 1024, maximum: 8388608 },
            description: "Page size in bytes (default 1 MiB)",
          },
          {
            name: "download",
            in: "query",
            schema: { type: "boolean" },
            description: "The whole log as a file (Content-Disposition: attachment)",
          },
        ],
        responses: {
          "200": {
            description: "Log text",
            headers: {
              "X-Next-Cursor": { schema: { type: "integer" } },
              "X-More-Data": { schema: { type: "boolean" } },
            },
            content: {
              "text/plain": { schema: { type: "string" } },
              "text/event-stream": {
                schema: { type: "string", description: "Server-Sent Events: log, status, end" },
              },
            },
          },
          ...common,
          "404": problem("No such run"),
        },
      },
    },
    "/api/v1/runs/{id}/cancel": {
      post: {
        tags: ["runs"],
        summary: "Cancel a run",
        description:
          "queued/held → cancelled at once; running → cancelling (the worker kills the process group, then cancelled).",
        parameters: [runId],
        responses: {
          "202": {
            description: "Accepted",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { status: { type: "string", enum: ["cancelled", "cancelling"] } },
                },
              },
            },
          },
          ...common,
          "404": problem("No such run"),
          "409": problem("The run has already finished"),
        },
      },
    },
    "/api/v1/runs/{id}/release": {
      post: {
        tags: ["runs"],
        summary: "Release a held run",
        description:
          "A run submitted with `hold: true` waits as `held` until released; then it is queued.",
        parameters: [runId],
        responses: {
          "200": {
            description: "Queued",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { status: { type: "string", enum: ["queued"] } },
                },
              },
            },
          },
          ...common,
          "404": problem("No such run"),
          "409": problem("The run is not held"),
        },
      },
    },
    "/api/v1/pipelines": {
      get: {
        tags: ["pipelines"],
        summary: "List pipelines and their versions",
        responses: {
          "200": {
            description: "Pipelines",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    items: { type: "array", items: { $ref: "#/components/schemas/Pipeline" } },
                  },
                },
              },
            },
          },
          ...common,
        },
      },
    },
    "/api/v1/pipelines/{name}": {
      get: {
        tags: ["pipelines"],
        summary: "One pipeline version's schema and example",
        parameters: [
          { name: "name", in: "path", required: true, schema: { type: "string" } },
          {
            name: "version",
            in: "query",
            schema: { type: "string" },
            description: "Exact, latest (default) or dev",
          },
        ],
        responses: {
          ...ok("The pipeline", "PipelineDetail"),
          ...common,
          "404": problem("No such pipeline or version"),
        },
      },
    },
    ...spreadsheetPaths,
    ...outputPaths,
    ...schedulePaths,
    ...operationsPaths,
    "/api/v1/tokens": {
      get: {
        tags: ["account"],
        summary: "List your API tokens",
        description:
          "The caller's own tokens, newest first, revoked and expired ones included. Never the token itself or its hash: only its first characters (`prefix`).",
        responses: { ...ok("Your tokens", "ApiTokenList"), ...common },
      },
      post: {
        tags: ["account"],
        summary: "Create an API token (shown once)",
        description:
          "Returns the token: the only time it is shown (only its SHA-256 is stored). Use it as the password of HTTP Basic (`curl --user USER:TOKEN`) or as `Authorization: Bearer TOKEN`. Refused (403) when the caller authenticated with a token: sign in, or use your password.",
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/CreateApiTokenRequest" } },
          },
        },
        responses: {
          ...ok("Created: the token, shown only this once", "CreatedApiToken", "201"),
          "400": problem("Malformed JSON (with line and column)"),
          ...common,
          "413": problem("The body is larger than 16 KiB"),
          "415": problem("The body is not sent as application/json"),
          "422": problem("A bad name or expiry, or an unknown property (JSON Pointers)"),
        },
      },
    },
    "/api/v1/tokens/{id}": {
      delete: {
        tags: ["account"],
        summary: "Revoke one of your API tokens",
        description:
          "The token stops working at once (on other web processes within AUTH_CACHE_SECONDS). Revoking a revoked token succeeds again.",
        parameters: [
          {
            name: "id",
            in: "path",
            required: true,
            schema: { type: "integer" },
            description: "The token's id",
          },
        ],
        responses: {
          "204": { description: "Revoked" },
          ...common,
          "404": problem("You have no token with this id"),
        },
      },
    },
    "/api/v1/account/password": {
      post: {
        tags: ["account"],
        summary: "Change your password",
        description:
          "Needs the current password. API tokens and browser sessions stay valid. After 5 wrong current passwords, further attempts are refused for a minute (403).",
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/ChangePasswordRequest" } },
          },
        },
        responses: {
          "204": { description: "Changed" },
          "400": problem("Malformed JSON (with line and column)"),
          ...common,
          "413": problem("The body is larger than 16 KiB"),
          "415": problem("The body is not sent as application/json"),
          "422": problem(
            "The current password is wrong (`/currentPassword`), or the new one is too short or the same (`/newPassword`); nothing changed",
          ),
        },
      },
    },
    "/api/health": {
      get: {
        tags: ["system"],
        summary: "Health of the database, Redis, workers and beat (no authentication)",
        security: [],
        responses: {
          ...ok("ok or degraded", "Health"),
          "503": { description: "MySQL or Redis is down" },
        },
      },
    },
    "/api/health/live": {
      get: {
        tags: ["system"],
        summary: "Liveness: the web process answers (no checks, no authentication)",
        security: [],
        responses: { "200": { description: '`{"status": "ok"}`' } },
      },
    },
    "/api/openapi.json": {
      get: {
        tags: ["system"],
        summary: "This document",
        security: [],
        responses: { "200": { description: "OpenAPI 3.1" } },
      },
    },
  },
  components: {
    securitySchemes: {
      basic: {
        type: "http",
        scheme: "basic",
        description: "username + password, or username + API token",
      },
      bearer: { type: "http", scheme: "bearer", description: "An API token" },
    },
    schemas: {
      ...schemas,
      ...spreadsheetSchemas,
      ...outputSchemas,
      ...scheduleSchemas,
      ...operationsSchemas,
    },
  },
} as const;
