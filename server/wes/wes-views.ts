/** Runport's run views in the shapes of GA4GH WES 1.1.0 (lib/contract/wes.ts). */
import type { RunAttemptView, RunView } from "@/lib/contract/runs";
import type { WesLog, WesRunSummary } from "@/lib/contract/wes";

/** The spec's optional strings are absent, never null. */
const optional = <K extends string>(key: K, value: string | null | undefined) =>
  (value ? { [key]: value } : {}) as Partial<Record<K, string>>;

export function toWesSummary(run: RunView): WesRunSummary {
  return {
    run_id: run.id,
    state: run.state,
    ...optional("start_time", run.startedAt),
    ...optional("end_time", run.finishedAt),
    tags: run.labels,
  };
}

/** Absolute URLs: a WES client follows them as they are. */
export function wesUrls(origin: string, runId: string) {
  return {
    log: `${origin}/api/v1/runs/${runId}/logs?download=true`,
    tasks: `${origin}/ga4gh/wes/v1/runs/${runId}/tasks`,
  };
}

/** One attempt as a WES task: id = the attempt number. */
export function toWesTask(
  run: Pick<RunView, "id" | "pipeline">,
  attempt: RunAttemptView,
  origin: string,
): WesLog & { id: string } {
  const log = wesUrls(origin, run.id).log;
  const system = [
    `host ${attempt.host}${attempt.pid === null ? "" : ` pid ${attempt.pid}`}`,
    ...(attempt.outcome ? [`outcome ${attempt.outcome}`] : []),
    ...(attempt.signal ? [`signal ${attempt.signal}`] : []),
    ...(attempt.error ? [attempt.error] : []),
  ];
  return {
    id: String(attempt.attempt),
    name: `${run.pipeline} attempt ${attempt.attempt}`,
    start_time: attempt.startedAt,
    ...optional("end_time", attempt.finishedAt),
    stdout: log,
    stderr: log,
    ...(attempt.exitCode === null ? {} : { exit_code: attempt.exitCode }),
    system_logs: system,
  };
}
