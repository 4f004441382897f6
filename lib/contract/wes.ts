/**
 * The GA4GH Workflow Execution Service 1.1.0 part of the contract (/ga4gh/wes/v1): the
 * shapes of the WES specification (test/fixtures/wes/), written in zod like the rest of
 * the API so that /apidocs shows them. Field names are the specification's (snake_case).
 */
import { z } from "zod";
import { WES_STATES } from "./runs";

/** The WES `workflow_type` of a Runport pipeline, and the descriptor versions accepted. */
export const WES_WORKFLOW_TYPE = "RUNPORT";
export const WES_WORKFLOW_TYPE_VERSIONS = ["1.0"] as const;
export const WES_VERSION = "1.1.0";
/** The `workflow_engine_parameters` Runport reads, as service-info lists them. */
export const WES_ENGINE_PARAMETERS = [
  { name: "name", type: "string", default_value: "" },
  { name: "priority", type: "integer", default_value: "0" },
  { name: "hold", type: "boolean", default_value: "false" },
] as const;

export const ZWesState = z.enum([...WES_STATES, "UNKNOWN", "INITIALIZING", "PREEMPTED"]).meta({
  description:
    "queued → QUEUED, held → PAUSED, running → RUNNING, cancelling → CANCELING, succeeded → COMPLETE, failed → EXECUTOR_ERROR, error → SYSTEM_ERROR, cancelled → CANCELED (Runport never answers the other three)",
});

/** Every error of the WES endpoints: the specification's ErrorResponse. */
export const ZWesError = z
  .object({
    msg: z.string().meta({
      description:
        "What went wrong; validation errors list each problem as `<JSON Pointer>: <message>` (pointers into the WES field, e.g. `/workflow_params/dataFiles/0/fastqCode`)",
    }),
    status_code: z.number().int(),
  })
  .meta({ description: "GA4GH WES ErrorResponse" });
export type WesError = z.infer<typeof ZWesError>;

export const ZWesRunId = z.object({ run_id: z.string() });

export const ZWesRunStatus = z.object({ run_id: z.string(), state: ZWesState });

export const ZWesRunSummary = z.object({
  run_id: z.string(),
  state: ZWesState,
  start_time: z.string().optional().meta({ description: "ISO 8601, when it started running" }),
  end_time: z.string().optional(),
  tags: z.record(z.string(), z.string()).meta({ description: "The run's labels" }),
});
export type WesRunSummary = z.infer<typeof ZWesRunSummary>;

export const ZWesRunList = z.object({
  runs: z.array(ZWesRunSummary),
  next_page_token: z.string().meta({ description: "Empty at the last page" }),
  total_runs: z.number().int().optional(),
});
export type WesRunList = z.infer<typeof ZWesRunList>;

/** Query of `GET /runs` and `GET /runs/{run_id}/tasks`. */
export const ZWesPageQuery = z.object({
  page_size: z.coerce.number().int().min(1).max(1000).optional().meta({
    description: "At most this many (runs: at most 200 are returned whatever is asked)",
  }),
  page_token: z.string().max(40).optional().meta({ description: "next_page_token of a page" }),
});

/** The multipart form of `POST /runs` (every part is text; files are refused). */
export const ZWesRunForm = z.object({
  workflow_type: z.literal(WES_WORKFLOW_TYPE),
  workflow_type_version: z.enum(WES_WORKFLOW_TYPE_VERSIONS),
  workflow_url: z.string().meta({ description: "A pipeline reference: `fastq-qc@1.0.0`" }),
  workflow_params: z.string().meta({ description: "The config, a JSON object" }),
  tags: z.string().optional().meta({ description: "JSON object of strings: the run's labels" }),
  workflow_engine: z.string().optional().meta({ description: "`runport` when given" }),
  workflow_engine_version: z.string().optional(),
  workflow_engine_parameters: z
    .string()
    .optional()
    .meta({ description: "JSON object of strings: `name`, `priority`, `hold`" }),
});

export const ZWesRunRequest = z.object({
  workflow_params: z.record(z.string(), z.unknown()),
  workflow_type: z.string(),
  workflow_type_version: z.string(),
  workflow_url: z.string(),
  tags: z.record(z.string(), z.string()),
  workflow_engine_parameters: z.record(z.string(), z.string()),
});

export const ZWesLog = z.object({
  name: z.string(),
  cmd: z.array(z.string()).optional().meta({ description: "The pipeline's argv (placeholders)" }),
  start_time: z.string().optional(),
  end_time: z.string().optional(),
  stdout: z.string().optional().meta({ description: "URL of the run's log (stdout and stderr)" }),
  stderr: z.string().optional().meta({ description: "The same URL: Runport keeps one log" }),
  exit_code: z.number().int().optional(),
  system_logs: z.array(z.string()).optional(),
});

export const ZWesTaskLog = ZWesLog.extend({
  id: z.string().meta({ description: "The attempt number" }),
});

export const ZWesTaskList = z.object({
  task_logs: z.array(ZWesTaskLog),
  next_page_token: z.string(),
});

export const ZWesRunLog = z.object({
  run_id: z.string(),
  request: ZWesRunRequest,
  state: ZWesState,
  run_log: ZWesLog,
  task_logs_url: z.string(),
  outputs: z.record(
    z.string(),
    z.object({ size: z.number().int(), sha256: z.string(), url: z.string().nullable() }),
  ),
});
export type WesRunLog = z.infer<typeof ZWesRunLog>;
export type WesLog = z.infer<typeof ZWesLog>;

export const ZWesServiceInfo = z.object({
  id: z.string(),
  name: z.string(),
  type: z.object({ group: z.string(), artifact: z.string(), version: z.string() }),
  description: z.string(),
  organization: z.object({ name: z.string(), url: z.string() }),
  version: z.string(),
  workflow_type_versions: z.record(
    z.string(),
    z.object({ workflow_type_version: z.array(z.string()) }),
  ),
  supported_wes_versions: z.array(z.string()),
  supported_filesystem_protocols: z.array(z.string()),
  workflow_engine_versions: z.record(
    z.string(),
    z.object({ workflow_engine_version: z.array(z.string()) }),
  ),
  default_workflow_engine_parameters: z.array(
    z.object({ name: z.string(), type: z.string(), default_value: z.string() }),
  ),
  system_state_counts: z.record(z.string(), z.number().int()),
  auth_instructions_url: z.string(),
  tags: z.record(z.string(), z.string()),
});
export type WesServiceInfo = z.infer<typeof ZWesServiceInfo>;
