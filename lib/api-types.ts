/** The shapes the REST API returns, shared by the server and the pages. */
import type { RunStatus } from "./run-status";

/** A run as the API returns it. Lists omit config, events and attempts. */
export interface RunView {
  id: string;
  pipeline: string;
  pipelineName: string;
  pipelineVersion: string;
  name: string | null;
  labels: Record<string, string>;
  status: RunStatus;
  state: string;
  trigger: string;
  submitter: string;
  priority: number;
  attempt: number;
  maxAttempts: number;
  progress: { percent: number | null; message: string | null } | null;
  exitCode: number | null;
  error: string | null;
  logBytes: number;
  retryOf: string | null;
  createdAt: string;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  links: { self: string; logs: string; cancel: string; web: string };
  config?: unknown;
  events?: RunEventView[];
  attempts?: RunAttemptView[];
}

export interface RunEventView {
  at: string;
  attempt: number;
  from: RunStatus | null;
  to: RunStatus;
  message: string | null;
}

export interface RunAttemptView {
  attempt: number;
  host: string;
  pid: number | null;
  startedAt: string;
  finishedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  outcome: RunStatus | null;
  error: string | null;
}

export interface PipelineVersionSummary {
  version: string;
  isDev: boolean;
  title: string;
  updatedAt: string;
}

export interface PipelineSummary {
  name: string;
  title: string;
  description: string;
  /** The version `name` and `name@latest` resolve to (null when only dev versions exist). */
  latest: string | null;
  versions: PipelineVersionSummary[];
  links: { self: string; template: string };
}

export interface PipelineDetail extends PipelineSummary {
  version: string;
  isDev: boolean;
  schema: Record<string, unknown>;
  example: unknown;
  timeoutSeconds: number;
  maxAttempts: number;
}

/** A page of `GET /api/v1/runs`. */
export interface RunList {
  items: RunView[];
  nextCursor: string | null;
  total: number;
}

/** GET /api/v1/operations (admins). */
export interface OperationsView {
  at: string;
  workers: {
    id: string;
    host: string;
    pid: number;
    concurrency: number;
    running: string[];
    startedAt: string;
    lastHeartbeat: string;
  }[];
  /** The active beat, or null when none has written a heartbeat recently. */
  beat: { instanceId: string; host: string; pid: number; lastHeartbeat: string } | null;
  /** Jobs in Redis (null when Redis does not answer). */
  queue: { waiting: number; active: number; delayed: number } | null;
  /** Runs by status, from MySQL. */
  runs: Record<string, number>;
  /** Finished runs per hour by outcome, the last 24 hours, oldest first. */
  perHour: { hour: string; succeeded: number; failed: number; error: number; cancelled: number }[];
  intake: { paused: boolean; by: string | null; at: string | null };
}
