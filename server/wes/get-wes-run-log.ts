import { and, eq } from "drizzle-orm";
import { pipelines } from "@/db/schema";
import type { WesRunLog } from "@/lib/contract/wes";
import { WES_WORKFLOW_TYPE, WES_WORKFLOW_TYPE_VERSIONS } from "@/lib/contract/wes";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { listOutputs } from "../outputs/list-outputs";
import { getRun } from "../runs/get-run";
import { wesUrls } from "./wes-views";

/**
 * GET /ga4gh/wes/v1/runs/{run_id}: getRun (its authorization: 404 unknown, 403 another
 * submitter's run) as a RunLog. `run_log` is the run as a whole: the pipeline's argv
 * (placeholders as defined), times, exit code, and the log's URL as stdout and stderr
 * (Runport keeps one log); `outputs` are the files of the newest attempt that left any.
 */
export async function getWesRunLog(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; runId: string; origin: string },
): Promise<WesRunLog> {
  const run = await getRun(ctx, options);
  const [files, [pipeline]] = await Promise.all([
    listOutputs(ctx, options),
    ctx.db
      .select({ definition: pipelines.definition })
      .from(pipelines)
      .where(and(eq(pipelines.name, run.pipelineName), eq(pipelines.version, run.pipelineVersion))),
  ]);
  const urls = wesUrls(options.origin, run.id);
  const newest = files[0]?.attempt;
  const outputs = Object.fromEntries(
    files
      .filter((f) => f.attempt === newest)
      .map((f) => [
        f.path,
        {
          size: f.size,
          sha256: f.sha256,
          url: f.download === null ? null : `${options.origin}${f.download}`,
        },
      ]),
  );
  const engine: Record<string, string> = { priority: String(run.priority) };
  if (run.name !== null) engine.name = run.name;
  const config = run.config;
  return {
    run_id: run.id,
    request: {
      workflow_params:
        typeof config === "object" && config !== null && !Array.isArray(config)
          ? (config as Record<string, unknown>)
          : {},
      workflow_type: WES_WORKFLOW_TYPE,
      workflow_type_version: WES_WORKFLOW_TYPE_VERSIONS[0],
      workflow_url: run.pipeline,
      tags: run.labels,
      workflow_engine_parameters: engine,
    },
    state: run.state,
    run_log: {
      name: run.name ?? run.pipeline,
      ...(pipeline ? { cmd: pipeline.definition.command } : {}),
      ...(run.startedAt ? { start_time: run.startedAt } : {}),
      ...(run.finishedAt ? { end_time: run.finishedAt } : {}),
      stdout: urls.log,
      stderr: urls.log,
      ...(run.exitCode === null ? {} : { exit_code: run.exitCode }),
      system_logs: [
        ...(run.events ?? []).map(
          (e) => `${e.at} ${e.from ?? "-"} → ${e.to}${e.message ? `: ${e.message}` : ""}`,
        ),
        ...(run.error ? [run.error] : []),
      ],
    },
    task_logs_url: urls.tasks,
    outputs,
  };
}
