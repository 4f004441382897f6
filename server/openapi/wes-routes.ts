/**
 * The GA4GH WES 1.1.0 rows of the route table (./routes.ts): /ga4gh/wes/v1. Their errors
 * are the specification's ErrorResponse `{msg, status_code}` as application/json (the
 * document turns every `problem(...)` of these rows, and the answers every authenticated
 * route shares, into it: server/http/wes-route.ts does the same to the answers).
 */
import { z } from "zod";
import {
  ZWesPageQuery,
  ZWesRunForm,
  ZWesRunId,
  ZWesRunList,
  ZWesRunLog,
  ZWesRunStatus,
  ZWesServiceInfo,
  ZWesTaskList,
  ZWesTaskLog,
} from "@/lib/contract/wes";
import { answer, problem, type RouteSpec } from "./route-spec";

const runId = z.object({ run_id: z.string().meta({ description: "The run's id" }) });
const forbidden = problem("Another submitter's run (submitters see only their own)");
const noRun = problem("No such run");
const badPage = problem("A bad page_size or page_token");
const wes = { tag: "ga4gh-wes", errors: "wes" } as const;

export const wesRoutes: RouteSpec[] = [
  {
    ...wes,
    method: "get",
    path: "/ga4gh/wes/v1/service-info",
    summary: "GetServiceInfo (GA4GH WES 1.1.0)",
    description:
      "GA4GH service-info and what WES adds: workflow_type RUNPORT, the engine parameters Runport reads, and `system_state_counts` (the whole system's runs by state, for roles that see every run; `{}` for submitters).",
    responses: { "200": answer("The service", ZWesServiceInfo) },
  },
  {
    ...wes,
    method: "get",
    path: "/ga4gh/wes/v1/runs",
    summary: "ListRuns (GA4GH WES)",
    description:
      "The runs the caller may see, newest first, as RunSummary (tags = labels). `next_page_token` is empty at the last page. At most 200 a page.",
    query: ZWesPageQuery,
    responses: { "200": answer("A page of runs", ZWesRunList), "400": badPage },
  },
  {
    ...wes,
    method: "post",
    path: "/ga4gh/wes/v1/runs",
    summary: "RunWorkflow (GA4GH WES)",
    description:
      'A multipart form: `workflow_type` RUNPORT, `workflow_type_version` 1.0, `workflow_url` a pipeline reference (`fastq-qc@1.0.0`), `workflow_params` the config (JSON object), `tags` the labels (JSON object of strings), `workflow_engine_parameters` `{"name", "priority", "hold"}` (strings). Validated exactly as POST /api/v1/runs. Files (`workflow_attachment`) are refused. `curl --user USER:TOKEN -F workflow_type=RUNPORT -F workflow_type_version=1.0 -F workflow_url=fastq-qc@1.0.0 -F workflow_params=@config.json https://runport.example/ga4gh/wes/v1/runs`',
    body: { content: { "multipart/form-data": { schema: ZWesRunForm } } },
    responses: {
      "200": answer("Submitted", ZWesRunId),
      "400": problem(
        "A bad form (missing or unknown field, a file, a bad workflow_type), an unknown pipeline, or a config its schema refuses: `msg` lists each problem with its JSON Pointer (`/workflow_params/...`) and line and column; also a body over MAX_BODY_BYTES",
      ),
      "403": problem("The caller's role cannot submit runs, or a cross-site request"),
    },
  },
  {
    ...wes,
    method: "get",
    path: "/ga4gh/wes/v1/runs/{run_id}",
    summary: "GetRunLog (GA4GH WES)",
    description:
      "The request as Runport stored it, the state, `run_log` (the pipeline's argv, times, exit code, the log's URL as stdout and stderr: Runport keeps one log), `task_logs_url`, and `outputs` (each file of the newest attempt with outputs: size, sha256, download URL).",
    params: runId,
    responses: { "200": answer("The run", ZWesRunLog), "403": forbidden, "404": noRun },
  },
  {
    ...wes,
    method: "get",
    path: "/ga4gh/wes/v1/runs/{run_id}/status",
    summary: "GetRunStatus (GA4GH WES)",
    params: runId,
    responses: { "200": answer("The state", ZWesRunStatus), "403": forbidden, "404": noRun },
  },
  {
    ...wes,
    method: "get",
    path: "/ga4gh/wes/v1/runs/{run_id}/tasks",
    summary: "ListTasks (GA4GH WES)",
    description: "One task per attempt, first first; `id` is the attempt number.",
    params: runId,
    query: ZWesPageQuery,
    responses: {
      "200": answer("The attempts", ZWesTaskList),
      "400": badPage,
      "403": forbidden,
      "404": noRun,
    },
  },
  {
    ...wes,
    method: "get",
    path: "/ga4gh/wes/v1/runs/{run_id}/tasks/{task_id}",
    summary: "GetTask (GA4GH WES)",
    params: runId.extend({ task_id: z.string().meta({ description: "The attempt number" }) }),
    responses: {
      "200": answer("The attempt", ZWesTaskLog),
      "403": forbidden,
      "404": problem("No such run, or no such attempt of it"),
    },
  },
  {
    ...wes,
    method: "post",
    path: "/ga4gh/wes/v1/runs/{run_id}/cancel",
    summary: "CancelRun (GA4GH WES)",
    description:
      "As POST /api/v1/runs/{id}/cancel: queued/held → CANCELED at once, running → CANCELING. A finished run is a 400.",
    params: runId,
    responses: {
      "200": answer("Cancelled or cancelling", ZWesRunId),
      "400": problem("The run has already finished"),
      "403": forbidden,
      "404": noRun,
    },
  },
];
