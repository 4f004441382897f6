/**
 * Run states, shared by server and UI. `failed` is the pipeline's fault, `error` the
 * platform's. How a run moves between them: server/lifecycle/run-transitions.ts.
 */
export const RUN_STATUSES = [
  "queued",
  "held",
  "running",
  "cancelling",
  "succeeded",
  "failed",
  "error",
  "cancelled",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The states no transition leaves (server/lifecycle/run-transitions.test.ts checks it). */
export const TERMINAL_STATUSES: readonly RunStatus[] = [
  "succeeded",
  "failed",
  "error",
  "cancelled",
];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** How a run was submitted. */
export const RUN_TRIGGERS = [
  "api",
  "legacy_api",
  "web",
  "workbook",
  "schedule",
  "retry",
  "event",
] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** GA4GH WES state names. */
export const WES_STATE: Record<RunStatus, string> = {
  queued: "QUEUED",
  held: "PAUSED",
  running: "RUNNING",
  cancelling: "CANCELING",
  succeeded: "COMPLETE",
  failed: "EXECUTOR_ERROR",
  error: "SYSTEM_ERROR",
  cancelled: "CANCELED",
};
