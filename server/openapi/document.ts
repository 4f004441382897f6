/**
 * The OpenAPI 3.1 document of the REST API, served at /api/openapi.json and rendered at
 * /apidocs: GENERATED from the route table (./routes.ts) and the zod schemas of
 * lib/contract, so it cannot drift from what the server checks and answers.
 *
 * Generator: zod 4's built-in `z.toJSONSchema` (draft 2020-12, which OpenAPI 3.1 uses
 * as its schema dialect). No dependency: the only thing a generator such as
 * zod-openapi adds is building the operations from zod, which is the short loop below;
 * component refs come from a registry (`id` → `#/components/schemas/<id>`), request
 * bodies are described as zod reads them (`io: "input"`: defaults optional, strict
 * objects closed) and answers as the server writes them (`io: "output"`).
 */
import { z } from "zod";
import * as account from "@/lib/contract/account";
import * as audit from "@/lib/contract/audit";
import * as health from "@/lib/contract/health";
import * as operations from "@/lib/contract/operations";
import * as outputs from "@/lib/contract/outputs";
import * as pipelines from "@/lib/contract/pipelines";
import * as problem from "@/lib/contract/problem";
import * as runs from "@/lib/contract/runs";
import * as events from "@/lib/contract/events";
import * as lists from "@/lib/contract/lists";
import * as schedules from "@/lib/contract/schedules";
import * as spreadsheets from "@/lib/contract/spreadsheets";
import * as users from "@/lib/contract/users";
import * as wes from "@/lib/contract/wes";
import * as webhooks from "@/lib/contract/webhooks";
import { ZChangePasswordRequest } from "../users/change-password";
import { ZCreateApiTokenRequest } from "../users/create-api-token";
import {
  crossSite,
  toSignIn,
  tooManyAttempts,
  unauthorized,
  unavailable,
  type JsonSchema,
  type ResponseSpec,
  type RouteSpec,
} from "./route-spec";
import { routes } from "./routes";

/** What clients send: described as zod reads it. */
const requests = {
  CreateRunRequest: runs.ZCreateRunRequest,
  LegacyRunRequest: runs.ZLegacyRunRequest,
  SpreadsheetUpload: spreadsheets.ZSpreadsheetUpload,
  CreateScheduleRequest: schedules.ZCreateScheduleRequest,
  UpdateScheduleRequest: schedules.ZUpdateScheduleRequest,
  CreateListRequest: lists.ZCreateListRequest,
  UpdateListRequest: lists.ZUpdateListRequest,
  EventRequest: events.ZEventRequest,
  CreateEventRuleRequest: events.ZCreateEventRuleRequest,
  UpdateEventRuleRequest: events.ZUpdateEventRuleRequest,
  CreateApiTokenRequest: ZCreateApiTokenRequest,
  ChangePasswordRequest: ZChangePasswordRequest,
  UpdateNotificationSettingsRequest: account.ZUpdateNotificationSettingsRequest,
  IntakeRequest: operations.ZIntakeRequest,
  CreateUserRequest: users.ZCreateUserRequest,
  UpdateUserRequest: users.ZUpdateUserRequest,
  PathCheckRequest: pipelines.ZPathCheckRequest,
  WesRunForm: wes.ZWesRunForm,
  CreateWebhookRequest: webhooks.ZCreateWebhookRequest,
};

/** What the server answers: described as it writes it. */
const answers = {
  Problem: problem.ZProblem,
  ProblemItem: problem.ZProblemItem,
  Run: runs.ZRunView,
  RunEvent: runs.ZRunEventView,
  RunAttempt: runs.ZRunAttemptView,
  RunList: runs.ZRunList,
  DryRunResult: runs.ZDryRunResult,
  CancelResult: runs.ZCancelResult,
  ReleaseResult: runs.ZReleaseResult,
  Pipeline: pipelines.ZPipelineSummary,
  PipelineVersion: pipelines.ZPipelineVersionSummary,
  PipelineList: pipelines.ZPipelineList,
  PipelineDetail: pipelines.ZPipelineDetail,
  PathCheckResult: pipelines.ZPathCheckResult,
  Output: outputs.ZOutputView,
  OutputList: outputs.ZOutputList,
  OutputPreview: outputs.ZOutputPreview,
  ConvertedSpreadsheet: spreadsheets.ZConvertedSpreadsheet,
  Schedule: schedules.ZScheduleView,
  ScheduleList: schedules.ZScheduleList,
  List: lists.ZListView,
  ListList: lists.ZListList,
  ListValues: lists.ZListValues,
  ListVersion: lists.ZListVersionView,
  ListVersionList: lists.ZListVersionList,
  ListRefreshResult: lists.ZRefreshResult,
  Event: events.ZEventView,
  EventList: events.ZEventList,
  EventRule: events.ZEventRuleView,
  EventRuleList: events.ZEventRuleList,
  ApiToken: account.ZApiTokenView,
  ApiTokenList: account.ZApiTokenList,
  CreatedApiToken: account.ZCreatedApiToken,
  NotificationSettings: account.ZNotificationSettings,
  Operations: operations.ZOperationsView,
  Intake: operations.ZIntake,
  WorkerDrain: operations.ZWorkerDrain,
  WorkersReload: operations.ZWorkersReload,
  DeploymentChecks: operations.ZDeploymentChecks,
  AuditEvent: audit.ZAuditEventView,
  AuditEventList: audit.ZAuditEventList,
  User: users.ZUserView,
  UserList: users.ZUserList,
  CreatedUser: users.ZCreatedUser,
  Health: health.ZHealth,
  Liveness: health.ZLiveness,
  WesServiceInfo: wes.ZWesServiceInfo,
  WesRunList: wes.ZWesRunList,
  WesRunSummary: wes.ZWesRunSummary,
  WesRunId: wes.ZWesRunId,
  WesRunStatus: wes.ZWesRunStatus,
  WesRunLog: wes.ZWesRunLog,
  WesRunRequest: wes.ZWesRunRequest,
  WesLog: wes.ZWesLog,
  WesTaskLog: wes.ZWesTaskLog,
  WesTaskList: wes.ZWesTaskList,
  WesState: wes.ZWesState,
  WesError: wes.ZWesError,
  Webhook: webhooks.ZWebhookView,
  WebhookList: webhooks.ZWebhookList,
  CreatedWebhook: webhooks.ZCreatedWebhook,
  WebhookDelivery: webhooks.ZWebhookDeliveryView,
  WebhookDeliveryList: webhooks.ZWebhookDeliveryList,
};

/** Drops what only adds noise to a reader: zod's safe-integer bounds, its date-time regex. */
function tidy({ jsonSchema: s }: { jsonSchema: JsonSchema }): void {
  if (s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
  if (s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
  if (s.format === "date-time") delete s.pattern;
}

const refOf = (id: string) => `#/components/schemas/${id}`;

function componentSchemas(
  entries: Record<string, z.ZodType>,
  io: "input" | "output",
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(entries)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: refOf, override: tidy });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema]),
  );
}

const names = new Map<z.ZodType, string>(
  [...Object.entries(requests), ...Object.entries(answers)].map(([id, s]) => [s, id]),
);

/** A $ref to a component; a schema used in the table must be one (so readers see its name). */
function ref(schema: z.ZodType | JsonSchema): JsonSchema {
  if (!(schema instanceof z.ZodType)) return schema;
  const id = names.get(schema);
  if (!id) throw new Error("A schema of the route table is not a component of the document");
  return { $ref: refOf(id) };
}

/**
 * Path, query or header parameters from an object schema (as zod reads them). A flag
 * read as the text true/false is what OpenAPI's boolean means in a query string.
 */
function parameters(place: "path" | "query" | "header", object: z.ZodObject | undefined) {
  if (!object) return [];
  const json = z.toJSONSchema(object, { io: "input", override: tidy }) as {
    properties: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties).map(([name, { description, ...schema }]) => ({
    name,
    in: place,
    ...(place === "path" || json.required?.includes(name) ? { required: true } : {}),
    ...(description ? { description } : {}),
    schema: JSON.stringify(schema.enum) === '["true","false"]' ? { type: "boolean" } : schema,
  }));
}

/** The answers apiRoute gives before any handler runs (server/http/api-route.ts). */
function authenticated(method: RouteSpec["method"]): Record<string, ResponseSpec> {
  const always = { "401": unauthorized, "429": tooManyAttempts, "503": unavailable };
  return method === "get" ? { "303": toSignIn, ...always } : { ...always, "403": crossSite };
}

/** A problem+json answer of a WES route as the WES ErrorResponse it is sent as. */
function asWesError(spec: ResponseSpec): ResponseSpec {
  if (spec.json !== problem.ZProblem) return spec;
  return { ...spec, json: wes.ZWesError, jsonType: "application/json" };
}

function response(spec: ResponseSpec) {
  const json = Array.isArray(spec.json)
    ? { anyOf: spec.json.map(ref) }
    : spec.json && ref(spec.json);
  const content = {
    ...(json ? { [spec.jsonType ?? "application/json"]: { schema: json } } : {}),
    ...spec.content,
  };
  return {
    description: spec.description,
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(Object.keys(content).length > 0 ? { content } : {}),
  };
}

function operation(route: RouteSpec) {
  const body = route.body && {
    required: true,
    content: {
      ...(route.body.json ? { "application/json": { schema: ref(route.body.json) } } : {}),
      ...Object.fromEntries(
        Object.entries(route.body.content ?? {}).map(([type, media]) => [
          type,
          { ...media, schema: ref(media.schema) },
        ]),
      ),
    },
  };
  const params = [
    ...parameters("path", route.params),
    ...parameters("query", route.query),
    ...parameters("header", route.headers),
  ];
  return {
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.public ? { security: [] } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    // Every route that is not public answers 401, 429 (password limits) and 503 the same way,
    // sends a browser's page load to sign in (GET) and refuses a browser's cross-site request.
    responses: Object.fromEntries(
      Object.entries({
        ...(route.public ? {} : authenticated(route.method)),
        ...route.responses,
      }).map(([status, spec]) => [
        status,
        response(route.errors === "wes" ? asWesError(spec) : spec),
      ]),
    ),
  };
}

export type OpenApiOperation = ReturnType<typeof operation>;

const paths: Record<string, Record<string, OpenApiOperation>> = {};
for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Runport API",
    version: "1.0.0",
    description:
      "Submit pipeline runs, follow them and cancel them. Authenticate with HTTP Basic (username and password, or username and an API token as the password; tokens are recommended for scripts) or `Authorization: Bearer <token>`. Errors are `application/problem+json`, except under /ga4gh/wes/v1 (GA4GH WES 1.1.0: `{msg, status_code}`).",
  },
  servers: [{ url: "/" }],
  security: [{ basic: [] }, { bearer: [] }],
  tags: [
    "runs",
    "pipelines",
    "schedules",
    "lists",
    "events",
    "account",
    "users",
    "system",
    "ga4gh-wes",
  ].map((name) => ({
    name,
  })),
  paths,
  components: {
    securitySchemes: {
      basic: {
        type: "http",
        scheme: "basic",
        description: "username + password, or username + API token",
      },
      bearer: { type: "http", scheme: "bearer", description: "An API token" },
    },
    schemas: { ...componentSchemas(requests, "input"), ...componentSchemas(answers, "output") },
  },
};
