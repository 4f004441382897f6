import type { RunAttemptRow, RunEventRow, RunRow } from "@/db/schema";
import type { RunAttemptView, RunEventView, RunView } from "@/lib/contract/runs";
import { WES_STATE } from "@/lib/run-status";
import type { WES_STATES } from "@/lib/contract/runs";

export type { RunAttemptView, RunEventView, RunView };

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toRunView(
  run: Omit<RunRow, "config">,
  extra: { submitter: string; retryOf?: string | null },
): RunView {
  const base = `/api/v1/runs/${run.publicId}`;
  return {
    id: run.publicId,
    pipeline: `${run.pipelineName}@${run.pipelineVersion}`,
    pipelineName: run.pipelineName,
    pipelineVersion: run.pipelineVersion,
    name: run.name,
    labels: run.labels,
    status: run.status,
    state: WES_STATE[run.status] as (typeof WES_STATES)[number],
    trigger: run.trigger,
    submitter: extra.submitter,
    priority: run.priority,
    attempt: run.attempt,
    maxAttempts: run.maxAttempts,
    progress:
      run.progressPercent !== null || run.progressMessage !== null
        ? { percent: run.progressPercent, message: run.progressMessage }
        : null,
    exitCode: run.exitCode,
    error: run.error,
    warnings: run.warnings ?? [],
    logBytes: run.logBytes,
    retryOf: extra.retryOf ?? null,
    createdAt: run.createdAt.toISOString(),
    queuedAt: iso(run.queuedAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    links: {
      self: base,
      logs: `${base}/logs`,
      cancel: `${base}/cancel`,
      web: `/runs/${run.publicId}`,
    },
  };
}

export function toEventView(event: RunEventRow): RunEventView {
  return {
    at: event.createdAt.toISOString(),
    attempt: event.attempt,
    from: event.fromStatus,
    to: event.toStatus,
    message: event.message,
  };
}

export function toAttemptView(attempt: RunAttemptRow): RunAttemptView {
  return {
    attempt: attempt.attempt,
    host: attempt.host,
    pid: attempt.pid,
    startedAt: attempt.startedAt.toISOString(),
    finishedAt: iso(attempt.finishedAt),
    exitCode: attempt.exitCode,
    signal: attempt.signal,
    outcome: attempt.outcome,
    error: attempt.error,
  };
}
