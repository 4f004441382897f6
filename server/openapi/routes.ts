/**
 * The route table: every method of every path of the REST API, with the zod schemas of
 * what it takes and answers. ./document.ts generates the OpenAPI document from it; the
 * integration suite checks every answer it receives against that document. Long on
 * purpose: it is the API reference's text, read top to bottom in /apidocs order.
 */
import { z } from "zod";
import {
  ZApiTokenList,
  ZCreatedApiToken,
  ZNotificationSettings,
  ZUpdateNotificationSettingsRequest,
} from "@/lib/contract/account";
import { ZAuditEventList, ZListAuditQuery } from "@/lib/contract/audit";
import { zFlag } from "@/lib/contract/common";
import { ZHealth, ZLiveness } from "@/lib/contract/health";
import {
  ZDeploymentChecks,
  ZIntake,
  ZIntakeRequest,
  ZWorkerDrain,
  ZWorkersReload,
  ZOperationsView,
} from "@/lib/contract/operations";
import { ZOutputList, ZOutputPreview, ZOutputsQuery, ZPreviewQuery } from "@/lib/contract/outputs";
import {
  ZPathCheckRequest,
  ZPathCheckResult,
  ZPipelineDetail,
  ZPipelineList,
  ZPipelineQuery,
  ZTemplateQuery,
} from "@/lib/contract/pipelines";
import {
  ZCancelResult,
  ZCreateRunRequest,
  ZDryRunResult,
  ZLegacyRunRequest,
  ZListRunsQuery,
  ZLogQuery,
  ZReleaseResult,
  ZRunList,
  ZRunView,
} from "@/lib/contract/runs";
import {
  ZCreateScheduleRequest,
  ZScheduleList,
  ZScheduleView,
  ZUpdateScheduleRequest,
} from "@/lib/contract/schedules";
import { ZConvertedSpreadsheet, ZSpreadsheetQuery } from "@/lib/contract/spreadsheets";
import {
  ZCreatedUser,
  ZCreateUserRequest,
  ZUpdateUserRequest,
  ZUserList,
  ZUserView,
} from "@/lib/contract/users";
import { ZChangePasswordRequest } from "../users/change-password";
import { ZCreateApiTokenRequest } from "../users/create-api-token";
import { answer, binary, location, problem, type RouteSpec } from "./route-spec";
import { XLSX_TYPE } from "../http/read-upload";
import { eventRoutes } from "./event-routes";
import { listRoutes } from "./list-routes";
import { wesRoutes } from "./wes-routes";
import { spreadsheetBodies, spreadsheetProblems } from "./spreadsheet-bodies";
import { webhookRoutes } from "./webhook-routes";

const runId = z.object({ id: z.string().meta({ description: "The run's id" }) });
const scheduleId = z.object({ id: z.string().meta({ description: "The schedule's id" }) });
const pipelineName = z.object({ name: z.string() });

const forbidden = problem("Authenticated, but the role or ownership does not allow it");
const noRun = problem("No such run");

const submission: RouteSpec["responses"] = {
  "400": problem("Malformed JSON (with line and column) or a bad Idempotency-Key"),
  "403": forbidden,
  "409": problem("The Idempotency-Key was used before with another body"),
  "413": problem("The body is larger than MAX_BODY_BYTES"),
  "415": problem(
    "The body is not JSON, a workbook (.xlsx, .ods, .xls), CSV or multipart/form-data",
  ),
  "422": problem(
    `The config violates the pipeline's schema (JSON Pointers, lines, columns), or the pipeline or version is unknown. ${spreadsheetProblems}`,
  ),
};
const submitQuery = ZSpreadsheetQuery.extend({
  dryRun: zFlag("Validate only; nothing is stored"),
});
const idempotencyKey = z.object({
  "Idempotency-Key": z.string().max(255).optional().meta({
    description:
      "Makes a retried POST safe: the same key and body return the original run (200); another body is a 409",
  }),
});

const jsonBodyProblems = (limit: string, detail: string): RouteSpec["responses"] => ({
  "400": problem("Malformed JSON (with line and column)"),
  "413": problem(`The body is larger than ${limit}`),
  "415": problem("The body is not sent as application/json"),
  "422": problem(detail),
});
const scheduleBodyProblems = jsonBodyProblems(
  "MAX_BODY_BYTES",
  "A bad cron expression (`/cron`, naming the field), an unknown time zone (`/timeZone`), an unknown pipeline or version (`/pipeline`), a config that violates the pipeline's schema (JSON Pointers under `/config`, with lines and columns), or an unknown property",
);
const scheduleForbidden = problem(
  "A viewer (read only), or somebody else's schedule without the admin or operator role",
);

export const routes: RouteSpec[] = [
  {
    method: "get",
    path: "/api/v1/runs",
    tag: "runs",
    summary: "List runs",
    description:
      "Runs the caller may see (submitters: their own; other roles: all), newest first. Filters combine with AND. `total` is exact up to 10,000 matches; beyond, it is 10,000 with `totalIsLowerBound: true`. The answer carries a weak `ETag` made of the change counter (every run creation, status change and progress report increments it), the caller and their role: sent back in `If-None-Match`, it gets a 304 without a database query while nothing changed. The counter does not follow `logBytes` of running runs, which a 304 may leave stale (read the run itself). Without Redis the list is sent without an `ETag`.",
    query: ZListRunsQuery,
    responses: {
      "200": answer("A page of runs", ZRunList, {
        ETag: { required: false, schema: { type: "string" }, description: "Absent without Redis" },
      }),
      "304": {
        description: "The ETag named in If-None-Match is current: nothing the list shows changed",
        headers: { ETag: { required: true, schema: { type: "string" } } },
      },
      "400": problem("A bad filter or cursor, or a q that begins more than 1,000 run names"),
      "403": forbidden,
    },
  },
  {
    method: "get",
    path: "/api/v1/changes",
    tag: "runs",
    summary: "The change feed of runs (Server-Sent Events)",
    description:
      "A live list view's source: instead of reading a list again every few seconds, follow this feed and read the list when a change arrives. Events: `ready` (`{version}`, on open: read the list again if you saw another version before reconnecting), `change` (`{version, kind, run, status}` for each run the caller may see, submitters their own: `kind` is `created`, `status`, `progress` or `reset` (rows changed in bulk, `run` null); the event id is the version), `resync` (`{version}`: announcements were missed, read the list again), `problem` (`{message}`, then the end: access revoked, or Redis lost). A comment line every 15 s keeps the connection alive; the stream ends after 10 minutes and EventSource reconnects. Without Redis the answer is a 503: poll the list with If-None-Match instead. `curl -N --user USER:TOKEN https://runport.example/api/v1/changes`",
    responses: {
      "200": {
        description: "The feed",
        content: {
          "text/event-stream": {
            schema: {
              type: "string",
              description: "Server-Sent Events: ready, change, resync, problem",
            },
          },
        },
      },
      "409": problem(
        "The caller already holds 20 live views (feeds and live logs), counted across web processes",
      ),
    },
  },
  {
    method: "post",
    path: "/api/v1/runs",
    tag: "runs",
    summary: "Submit a run",
    description:
      "JSON `{pipeline, config, name?, labels?, hold?, priority?}`, or a filled-in spreadsheet template: the .xlsx as the body, a CSV of the samples, or multipart `file`: `curl --user USER:TOKEN -F file=@filled.xlsx https://runport.example/api/v1/runs` (add `?dryRun=true` to get the JSON it becomes without creating a run).",
    query: submitQuery,
    headers: idempotencyKey,
    body: { json: ZCreateRunRequest, content: spreadsheetBodies },
    responses: {
      "201": answer("Created (Location names it)", ZRunView, location),
      "200": answer(
        "A dry run's result (`{valid, pipeline, config}`), or the original run of a replayed Idempotency-Key",
        [ZDryRunResult, ZRunView],
      ),
      ...submission,
    },
  },
  {
    method: "post",
    path: "/api/v1/new-run/",
    tag: "runs",
    summary: "Submit a run (the old portal's contract)",
    description:
      "The body is the config itself and names its pipeline in `pipeline`. Works with or without the trailing slash: `curl --user USER:TOKEN -H 'Content-Type: application/json' -d @example.json https://runport.example/api/v1/new-run/`. A filled-in spreadsheet template works here too (the .xlsx body or multipart `file`), as on POST /api/v1/runs.",
    query: submitQuery,
    headers: idempotencyKey,
    body: { json: ZLegacyRunRequest, content: spreadsheetBodies },
    responses: {
      "201": answer("Created", ZRunView, location),
      "200": answer("Dry run, or Idempotency-Key replay", [ZDryRunResult, ZRunView]),
      ...submission,
    },
  },
  {
    method: "get",
    path: "/api/v1/runs/{id}",
    tag: "runs",
    summary: "One run, with its config, events and attempts",
    params: runId,
    responses: { "200": answer("The run", ZRunView), "403": forbidden, "404": noRun },
  },
  {
    method: "get",
    path: "/api/v1/runs/{id}/logs",
    tag: "runs",
    summary: "The run's log from a byte offset",
    description:
      "Returns text from `cursor`. Continue with the `X-Next-Cursor` header; `X-More-Data: true` means the run may still write, or the page stopped at its size limit. With `Accept: text/event-stream` it follows the run live as Server-Sent Events: `log` (`{offset, text}`; the event id is the next cursor, so a reconnecting EventSource resumes), `status` (the run's state when it changes) and `end` (the run finished and everything was sent). With `download=true` it sends the whole log as a file.",
    params: runId,
    query: ZLogQuery,
    responses: {
      "200": {
        description: "Log text",
        headers: {
          "X-Next-Cursor": { schema: { type: "integer" }, description: "Pages only" },
          "X-More-Data": { schema: { type: "boolean" }, description: "Pages only" },
        },
        content: {
          "text/plain": { schema: { type: "string" } },
          "text/event-stream": {
            schema: { type: "string", description: "Server-Sent Events: log, status, end" },
          },
        },
      },
      "400": problem("A bad `cursor`, `limit` or `download`"),
      "403": forbidden,
      "404": noRun,
      "409": problem(
        "`text/event-stream` only: the caller already follows 20 runs live, counted across every web process",
      ),
    },
  },
  {
    method: "post",
    path: "/api/v1/runs/{id}/cancel",
    tag: "runs",
    summary: "Cancel a run",
    description:
      "queued/held → cancelled at once; running → cancelling (the worker kills the process group, then cancelled).",
    params: runId,
    responses: {
      "202": answer("Accepted", ZCancelResult),
      "403": forbidden,
      "404": noRun,
      "409": problem("The run has already finished"),
    },
  },
  {
    method: "post",
    path: "/api/v1/runs/{id}/release",
    tag: "runs",
    summary: "Release a held run",
    description:
      "A run submitted with `hold: true` waits as `held` until released; then it is queued.",
    params: runId,
    responses: {
      "200": answer("Queued", ZReleaseResult),
      "403": forbidden,
      "404": noRun,
      "409": problem("The run is not held"),
    },
  },
  {
    method: "post",
    path: "/api/v1/runs/{id}/retry",
    tag: "runs",
    summary: "Re-run a finished run",
    description:
      "A new run of the same pipeline version with the same config, name, labels and priority (lowered to the caller's bound: a submitter's is 10), submitted by the caller and linked to the old one (`retryOf`). Platform errors are retried automatically as new attempts of the same run; this is for a person deciding to run it again.",
    params: runId,
    responses: {
      "201": answer("Created (Location names it)", ZRunView, location),
      "403": problem("A viewer, or somebody else's run without the operator role"),
      "404": noRun,
      "409": problem("The run has not finished yet"),
      "422": problem("Its pipeline version is no longer registered"),
    },
  },
  {
    method: "get",
    path: "/api/v1/runs/{id}/outputs",
    tag: "runs",
    summary: "The files the run left in its outputs folder",
    description:
      "Every regular file a pipeline wrote below `$RUNPORT_OUTPUTS_DIR`, recorded when its attempt ended: path (relative, `/`-separated), size and SHA-256. Symbolic links are not followed and not listed. Content is stored for files up to OUTPUT_STORE_MAX_BYTES (16 MiB by default) while the attempt's stored total stays within OUTPUT_STORE_RUN_MAX_BYTES (64 MiB); larger files are listed with `stored: false` and `download: null`. Newest attempt first, then by path; at most 1000 files per attempt. `curl --user USER:TOKEN https://runport.example/api/v1/runs/RUN_ID/outputs`",
    params: runId,
    query: ZOutputsQuery,
    responses: {
      "200": answer("The outputs", ZOutputList),
      "400": problem("A bad `attempt`"),
      "403": problem("Somebody else's run, and the role does not widen access"),
      "404": noRun,
    },
  },
  {
    method: "get",
    path: "/api/v1/runs/{id}/outputs/{outputId}",
    tag: "runs",
    summary: "Download one output file",
    description:
      "The stored content, streamed as `application/octet-stream` with `Content-Disposition: attachment` (the file's name; `filename*` carries it exactly), `Content-Length`, `X-Content-Type-Options: nosniff` and the SHA-256 as the `ETag` (`If-None-Match` gives a 304). `curl --user USER:TOKEN -OJ https://runport.example/api/v1/runs/RUN_ID/outputs/42`",
    params: runId.extend({
      outputId: z.coerce.number().int().meta({ description: "The output's `id` from the list" }),
    }),
    responses: {
      "200": {
        description: "The file's content",
        headers: {
          ETag: { required: true, schema: { type: "string" }, description: "The SHA-256, quoted" },
          "Content-Disposition": { required: true, schema: { type: "string" } },
        },
        content: { "application/octet-stream": { schema: binary } },
      },
      "304": {
        description: "The ETag named in If-None-Match is current",
        headers: { ETag: { required: true, schema: { type: "string" } } },
      },
      "403": problem("Somebody else's run, and the role does not widen access"),
      "404": problem(
        "No such run, no output with this id in this run, or its content is not kept (over the store limits, or removed by retention: size and SHA-256 only)",
      ),
    },
  },
  {
    method: "get",
    path: "/api/v1/runs/{id}/outputs/{outputId}/preview",
    tag: "runs",
    summary: "Preview one output file",
    description:
      "What the run page shows of a stored output, by the file name's extension: `table` (.tsv, .tab, .csv: the header and a page of rows, `offset`/`rows` to page; read from the start, never held whole), `text` and `markdown` (.txt, .log, .md: the first 256 KiB), `json` (the document, up to 4 MiB), `image` and `html` (.png, .jpg, .svg, .html: the `src` of the inline view), `too-large` (over the limit of its kind), `none` (no preview: download it). Authorized as the download.",
    params: runId.extend({
      outputId: z.coerce.number().int().meta({ description: "The output's `id` from the list" }),
    }),
    query: ZPreviewQuery,
    responses: {
      "200": answer("The preview", ZOutputPreview),
      "400": problem("A bad `offset` or `rows`"),
      "403": problem("Somebody else's run, and the role does not widen access"),
      "404": problem("No such run, no output with this id in this run, or its content is not kept"),
    },
  },
  {
    method: "get",
    path: "/api/v1/runs/{id}/outputs/{outputId}/raw",
    tag: "runs",
    summary: "An image or HTML output, inline",
    description:
      "The content of a .png, .jpg, .jpeg, .svg, .html or .htm output with its own media type, `Content-Disposition: inline` and a `Content-Security-Policy` that sandboxes it (`sandbox` without `allow-same-origin`: an opaque origin; `default-src 'none'`: nothing fetched; scripts only when the pipeline sets `previewScripts`). Images up to 16 MiB, HTML up to 8 MiB.",
    params: runId.extend({
      outputId: z.coerce.number().int().meta({ description: "The output's `id` from the list" }),
    }),
    responses: {
      "200": {
        description: "The file's content",
        headers: {
          "Content-Security-Policy": { required: true, schema: { type: "string" } },
        },
        content: {
          "image/png": { schema: binary },
          "image/jpeg": { schema: binary },
          "image/svg+xml": { schema: binary },
          "text/html": { schema: binary },
        },
      },
      "403": problem("Somebody else's run, and the role does not widen access"),
      "404": problem(
        "No such run or output, its content is not kept, it is not an image or HTML, or it is over the inline limit",
      ),
    },
  },
  {
    method: "get",
    path: "/api/v1/pipelines",
    tag: "pipelines",
    summary: "List pipelines and their versions",
    responses: { "200": answer("Pipelines", ZPipelineList), "403": forbidden },
  },
  {
    method: "get",
    path: "/api/v1/pipelines/{name}",
    tag: "pipelines",
    summary: "One pipeline version's schema and example",
    params: pipelineName,
    query: ZPipelineQuery,
    responses: {
      "200": answer("The pipeline", ZPipelineDetail),
      "400": problem("A bad `version`"),
      "403": forbidden,
      "404": problem("No such pipeline or version"),
    },
  },
  {
    method: "get",
    path: "/api/v1/pipelines/{name}/template.xlsx",
    tag: "pipelines",
    summary: "The spreadsheet template of a pipeline version",
    description:
      "Generated from the version's schema: README, a `Run` sheet (one row per top-level field), one sheet per array of objects (one column per property, one row per item), dropdowns for enums and booleans, dropdowns of reference-list values (`x-runport-list`: a hidden `_lists` sheet with up to 5,000 values of each list, the caller's own for a per-user list; a longer list's dropdown accepts other values, which the server checks), and a hidden `_runport` sheet naming pipeline@version. The `ETag` changes with the pipeline version and the lists' versions: sent back in `If-None-Match`, it gets a 304 while the template is the same. `curl --user USER:TOKEN -OJ https://runport.example/api/v1/pipelines/fastq-qc/template.xlsx`",
    params: pipelineName,
    query: ZTemplateQuery,
    responses: {
      "200": {
        description: "The .xlsx file, as an attachment",
        headers: {
          "Content-Disposition": { required: true, schema: { type: "string" } },
          ETag: { required: true, schema: { type: "string" } },
        },
        content: { [XLSX_TYPE]: { schema: binary } },
      },
      "304": {
        description: "The ETag named in If-None-Match is current: the template has not changed",
        headers: { ETag: { required: true, schema: { type: "string" } } },
      },
      "400": problem("A bad `version` or `example`"),
      "404": problem("No such pipeline or version"),
    },
  },
  {
    method: "post",
    path: "/api/v1/pipelines/{name}/check-paths",
    tag: "pipelines",
    summary:
      "Check the files and list values a config names, as a submission would (stores nothing)",
    description:
      "The body is a config of this pipeline version. Every value its schema calls a path (`format`: `file-path`, `directory-path`, `path`; `exists`) is checked on the server against the pipeline folder and `DATA_ROOTS`, with symbolic links resolved: `does not exist`, `is a folder`, `is not a folder`, `already exists`, `is outside the data folders: …`. Every value tied to a reference list (`x-runport-list`) is checked against the list's current values: `is not a known value of the list NAME; did you mean …?`. The editor calls it after a pause in typing. For roles that may submit; 60 checks a minute per user (429 with Retry-After).",
    params: pipelineName,
    query: ZPipelineQuery,
    body: { json: ZPathCheckRequest },
    responses: {
      "200": answer("The version checked and the problems of its paths", ZPathCheckResult),
      "400": problem("Malformed JSON (with line and column) or a bad `version`"),
      "403": forbidden,
      "413": problem("The body is over MAX_BODY_BYTES"),
      "415": problem("The body is not sent as application/json"),
      "422": problem("Not a JSON object, or an unknown pipeline or version"),
    },
  },
  {
    method: "post",
    path: "/api/v1/spreadsheets/convert",
    tag: "runs",
    summary: "Read a spreadsheet into a config for review (stores nothing)",
    description:
      "What the new-run page calls when a spreadsheet is uploaded: the config the file becomes (as far as it can be read) and every problem with its cell. `config` (a JSON object) supplies the fields a CSV does not carry.",
    query: ZSpreadsheetQuery,
    body: { content: spreadsheetBodies },
    responses: {
      "200": answer(
        "The pipeline, the config, and the problems (empty when it is valid)",
        ZConvertedSpreadsheet,
      ),
      "400": problem("A multipart form without `file`, with unknown fields or bad `config` JSON"),
      "413": problem("The file is larger than MAX_BODY_BYTES"),
      "422": problem("The file cannot be read, or it names no known pipeline"),
    },
  },
  {
    method: "get",
    path: "/api/v1/schedules",
    tag: "schedules",
    summary: "List schedules",
    description: "Submitters see their own schedules; other roles see all of them.",
    responses: { "200": answer("The schedules, by name", ZScheduleList), "403": scheduleForbidden },
  },
  {
    method: "post",
    path: "/api/v1/schedules",
    tag: "schedules",
    summary: "Create a cron schedule",
    description:
      "The beat submits `config` to `pipeline` as the caller at every fire of `cron` in `timeZone`. Each fire makes exactly one run (trigger `schedule`, label `schedule:<id>`), even with two beats running or a beat restarting.",
    body: { json: ZCreateScheduleRequest },
    responses: {
      "201": answer("Created (Location names it)", ZScheduleView, location),
      ...scheduleBodyProblems,
      "403": scheduleForbidden,
    },
  },
  {
    method: "get",
    path: "/api/v1/schedules/{id}",
    tag: "schedules",
    summary: "One schedule",
    params: scheduleId,
    responses: {
      "200": answer("The schedule", ZScheduleView),
      "403": scheduleForbidden,
      "404": problem("No such schedule"),
    },
  },
  {
    method: "patch",
    path: "/api/v1/schedules/{id}",
    tag: "schedules",
    summary: "Change a schedule (enable, disable, cron, config...)",
    description:
      "Any of the fields; what is sent is checked as on create. A new cron expression or time zone, or enabling, computes the next fire from now; disabling clears it.",
    params: scheduleId,
    body: { json: ZUpdateScheduleRequest },
    responses: {
      "200": answer("The changed schedule", ZScheduleView),
      ...scheduleBodyProblems,
      "403": scheduleForbidden,
      "404": problem("No such schedule"),
    },
  },
  {
    method: "delete",
    path: "/api/v1/schedules/{id}",
    tag: "schedules",
    summary: "Delete a schedule",
    description: "It never fires again; the runs it made stay.",
    params: scheduleId,
    responses: {
      "204": { description: "Deleted" },
      "403": scheduleForbidden,
      "404": problem("No such schedule"),
    },
  },
  ...listRoutes,
  ...eventRoutes,
  {
    method: "get",
    path: "/api/v1/operations",
    tag: "system",
    summary: "The platform at a glance (administrators)",
    description:
      "Live workers and what they run, the active beat, queue counts in Redis, runs by status in MySQL, finished runs per hour by outcome over the last 24 hours, and whether intake is paused.",
    responses: {
      "200": answer("The operations view", ZOperationsView),
      "403": problem("Not an administrator"),
    },
  },
  {
    method: "get",
    path: "/api/v1/operations/checks",
    tag: "system",
    summary: "What is wrong with this deployment (administrators)",
    description:
      "The checks of `npm run doctor`, run now by the web process with connections of its own, each within 3 s: database, migrations, Redis (and its eviction policy), pipeline definitions, runs folder (writable, free space, shared when pipelines run on Slurm), public address and TLS, Slurm commands, clocks of this process, MySQL and the live workers against Redis.",
    responses: {
      "200": answer("The checks", ZDeploymentChecks),
      "403": problem("Not an administrator"),
    },
  },
  {
    method: "post",
    path: "/api/v1/operations/intake",
    tag: "system",
    summary: "Pause or resume intake (administrators)",
    description:
      '`{"paused": true}`: workers finish what they run and start nothing new; submissions are still accepted and wait as queued. Recorded in MySQL and re-applied by the beat, so it survives a Redis restart.',
    body: { json: ZIntakeRequest },
    responses: {
      "200": answer("The new state", ZIntake),
      "403": problem("Not an administrator"),
      ...jsonBodyProblems("16 KiB", 'The body is not {"paused": boolean}'),
    },
  },
  {
    method: "post",
    path: "/api/v1/operations/workers/{id}/drain",
    tag: "system",
    summary: "Drain a worker (administrators)",
    description:
      "Asks the live worker to drain, as SIGTERM does: it takes no new runs, lets its runs finish or hands them back within WORKER_DRAIN_SECONDS, then exits 0 and its supervisor (PM2, systemd, supervisord) starts a fresh one. Audited (`worker.drain`).",
    params: z.object({
      id: z.string().meta({ description: "The worker's id (GET /api/v1/operations)" }),
    }),
    responses: {
      "202": answer("Asked", ZWorkerDrain),
      "403": problem("Not an administrator"),
      "404": problem("No live worker with this id"),
    },
  },
  {
    method: "post",
    path: "/api/v1/operations/workers/reload",
    tag: "system",
    summary: "Reload all workers, one at a time (administrators)",
    description:
      "The active beat drains the live workers one by one: the next only when the previous one's heartbeat is gone and a new worker has appeared (or after a timeout). Progress: `reload` in GET /api/v1/operations. Audited (`workers.reload`).",
    responses: {
      "202": answer("The reload, as asked", ZWorkersReload),
      "403": problem("Not an administrator"),
      "409": problem("A reload is already going on, or there are no live workers"),
    },
  },
  {
    method: "get",
    path: "/api/v1/audit",
    tag: "system",
    summary: "The audit log (administrators)",
    description:
      "Who did what, when and from where, newest first: sign-ins (ok, failed, locked), API tokens created and revoked, password changes, users created and disabled, runs cancelled, released or retried by someone other than their owner, schedules created, changed and deleted, intake paused and resumed. `target` is `type:id` (`user:alice`, `run:<id>`, `schedule:<id>`, `token:<id>`) or an id; `since` is inclusive, `until` exclusive; pass `nextCursor` as `cursor` for the next page.",
    query: ZListAuditQuery,
    responses: {
      "200": answer("A page of audit events", ZAuditEventList),
      "400": problem("A bad filter or cursor"),
      "403": problem("Not an administrator"),
    },
  },
  {
    method: "get",
    path: "/api/v1/tokens",
    tag: "account",
    summary: "List your API tokens",
    description:
      "The caller's own tokens, newest first, revoked and expired ones included. Never the token itself or its hash: only its first characters (`prefix`).",
    responses: { "200": answer("Your tokens", ZApiTokenList), "403": forbidden },
  },
  {
    method: "post",
    path: "/api/v1/tokens",
    tag: "account",
    summary: "Create an API token (shown once)",
    description:
      "Returns the token: the only time it is shown (only its SHA-256 is stored). Use it as the password of HTTP Basic (`curl --user USER:TOKEN`) or as `Authorization: Bearer TOKEN`. Refused (403) when the caller authenticated with a token: sign in, or use your password.",
    body: { json: ZCreateApiTokenRequest },
    responses: {
      "201": answer("Created: the token, shown only this once", ZCreatedApiToken),
      "403": forbidden,
      ...jsonBodyProblems("16 KiB", "A bad name or expiry, or an unknown property (JSON Pointers)"),
    },
  },
  {
    method: "delete",
    path: "/api/v1/tokens/{id}",
    tag: "account",
    summary: "Revoke one of your API tokens",
    description:
      "The token stops working at once (on other web processes within AUTH_CACHE_SECONDS). Revoking a revoked token succeeds again.",
    params: z.object({ id: z.coerce.number().int().meta({ description: "The token's id" }) }),
    responses: {
      "204": { description: "Revoked" },
      "403": forbidden,
      "404": problem("You have no token with this id"),
    },
  },
  {
    method: "post",
    path: "/api/v1/account/password",
    tag: "account",
    summary: "Change your password",
    description:
      "Needs the current password. API tokens and browser sessions stay valid. After 5 wrong current passwords, further attempts are refused for a minute, then longer (429 with Retry-After).",
    body: { json: ZChangePasswordRequest },
    responses: {
      "204": { description: "Changed" },
      "403": forbidden,
      ...jsonBodyProblems(
        "16 KiB",
        "The current password is wrong (`/currentPassword`), or the new one is too short or the same (`/newPassword`); nothing changed",
      ),
    },
  },
  ...webhookRoutes,
  {
    method: "get",
    path: "/api/v1/account/notifications",
    tag: "account",
    summary: "Your end-of-run mail settings",
    description:
      "Where your end-of-run mail goes and which run ends it is sent for (null: each pipeline's `notify.statuses`, else the default). `enabled` is false when the server has no SMTP_URL.",
    responses: { "200": answer("Your settings", ZNotificationSettings), "403": forbidden },
  },
  {
    method: "patch",
    path: "/api/v1/account/notifications",
    tag: "account",
    summary: "Change your end-of-run mail settings",
    description:
      "`email` (null: no mail to you) and `emailStatuses` (any of succeeded, failed, error, cancelled; null: the pipelines' defaults). A field left out stays as it is.",
    body: { json: ZUpdateNotificationSettingsRequest },
    responses: {
      "200": answer("Your settings as changed", ZNotificationSettings),
      "403": forbidden,
      ...jsonBodyProblems(
        "16 KiB",
        "A bad address or status, or an unknown property (JSON Pointers); nothing changed",
      ),
    },
  },
  {
    method: "get",
    path: "/api/v1/users",
    tag: "users",
    summary: "List users (administrators)",
    description:
      "Every user by name, disabled ones included: role, whether disabled and since when, the running-runs limit, and the latest use of an API token. Never a password hash.",
    responses: { "200": answer("The users", ZUserList), "403": problem("Not an administrator") },
  },
  {
    method: "post",
    path: "/api/v1/users",
    tag: "users",
    summary: "Create a user (administrators)",
    description:
      "`role` defaults to submitter. Without `password` one is generated and returned, shown only in this answer. The same as `npm run user -- create NAME --role ROLE`.",
    body: { json: ZCreateUserRequest },
    responses: {
      "201": answer("Created: the user, and the generated password (once)", ZCreatedUser),
      "403": problem("Not an administrator"),
      "409": problem("A user of that name exists"),
      ...jsonBodyProblems(
        "16 KiB",
        "A bad username, role, e-mail, password (at least 10 characters) or limit, or an unknown property (JSON Pointers)",
      ),
    },
  },
  {
    method: "patch",
    path: "/api/v1/users/{username}",
    tag: "users",
    summary: "Disable, enable, change the role or limit of a user (administrators)",
    description:
      "Any of `disabled`, `role`, `maxRunningRuns` (null: USER_MAX_RUNNING; 0: no limit). Disabling or another role ends the user's browser sessions, cached Basic and bearer credentials and open live log views at once, in every web process (a live view ends with a `problem` event). A disabled user's API tokens are refused until the user is enabled again. `npm run user -- disable NAME` does the same.",
    params: z.object({ username: z.string().meta({ description: "The user's name" }) }),
    body: { json: ZUpdateUserRequest },
    responses: {
      "200": answer("The user as changed", ZUserView),
      "403": problem("Not an administrator"),
      "404": problem("No such user"),
      "409": problem("It would leave no enabled administrator"),
      ...jsonBodyProblems("16 KiB", "A bad field or an unknown property (JSON Pointers)"),
    },
  },
  {
    method: "delete",
    path: "/api/v1/users/{username}",
    tag: "users",
    summary: "Delete a user who left nothing behind (administrators)",
    description:
      "Only a user without runs, schedules, API tokens (revoked ones included) or actions on runs can be deleted, e.g. one created by mistake; for anyone else the answer is 409 naming what they have: disable them instead, so that no history is lost. Their access ends at once.",
    params: z.object({ username: z.string().meta({ description: "The user's name" }) }),
    responses: {
      "204": { description: "Deleted" },
      "403": problem("Not an administrator"),
      "404": problem("No such user"),
      "409": problem(
        "The user has runs, schedules, tokens or actions on runs (disable instead), or is the last enabled administrator",
      ),
    },
  },
  {
    method: "get",
    path: "/api/health",
    tag: "system",
    summary: "Health of the database, Redis, workers and beat (no authentication)",
    public: true,
    responses: {
      "200": answer("ok or degraded", ZHealth),
      "503": answer("MySQL or Redis is down", ZHealth),
    },
  },
  {
    method: "get",
    path: "/api/health/live",
    tag: "system",
    summary: "Liveness: the web process answers (no checks, no authentication)",
    public: true,
    responses: { "200": answer('`{"status": "ok"}`', ZLiveness) },
  },
  {
    method: "get",
    path: "/api/openapi.json",
    tag: "system",
    summary: "This document",
    public: true,
    responses: {
      "200": {
        description: "OpenAPI 3.1",
        content: { "application/json": { schema: { type: "object" } } },
      },
    },
  },
  ...wesRoutes,
];
