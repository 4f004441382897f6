import type { RunRow } from "@/db/schema";
import type { RunStatus } from "@/lib/run-status";

/**
 * The run state machine as data: every status change a run can make. Nothing else
 * changes `runs.status`: creation goes through `submission`, every other change
 * through `transitionRun`, which refuses what this table does not list.
 * docs/ARCHITECTURE.md ("Run state machine") is generated from it (see the unit test).
 */

/** Who causes a transition: a user (see `access`), a worker, or the beat. */
export type RunActor = "user" | "worker" | "beat";

/** How a transition sets a column: its time, one more, cleared, or the caller's value. */
type FieldRule = "now" | "+1" | "null" | "given";
type RunField = keyof Omit<RunRow, "id" | "publicId" | "status" | "updatedAt">;

interface TransitionRow {
  event: string;
  /** The states it leaves; empty for the creation of a run. */
  from: readonly RunStatus[];
  to: RunStatus;
  by: readonly RunActor[];
  /**
   * Which users: `submit` a role that may submit (lib/roles.ts); `manage` the run's
   * submitter (not a viewer), an operator or an admin (find-run-for.ts).
   */
  access?: "submit" | "manage";
  /** Columns it sets besides status and updated_at. */
  set: Readonly<Partial<Record<RunField, FieldRule>>>;
  /** The run_events message: {name} from the caller; {attempt}: the run's attempt after it. */
  message: string;
}

const SUBMITTED = "submitted by {user} ({trigger})";
const RETRY = "{reason}; attempt {next} of {max} in {delay} s";
const CANCELLED = { finishedAt: "now", cancelRequestedAt: "now" } as const;
const CLAIMED = {
  attempt: "+1",
  startedAt: "now",
  finishedAt: "null",
  exitCode: "null",
  error: "null",
  progressPercent: "null",
  progressMessage: "null",
} as const;
const REQUEUED = { queuedAt: "now", logBytes: "given" } as const;
const ENDED = { finishedAt: "now", exitCode: "given", error: "given", logBytes: "given" } as const;

// One row per (event, to). An exit from `cancelling`: a success stands (the cancel came too
// late), any other end is `cancelled` (the cancel wins).
// prettier-ignore
const TABLE = [
  { event: "submit",    from: [],                        to: "queued",     by: ["user", "beat"], access: "submit", set: { queuedAt: "now" },          message: SUBMITTED },
  { event: "hold",      from: [],                        to: "held",       by: ["user"],         access: "submit", set: {},                           message: SUBMITTED },
  { event: "release",   from: ["held"],                  to: "queued",     by: ["user"],         access: "manage", set: { queuedAt: "now" },          message: "released by {user}" },
  { event: "cancel",    from: ["queued", "held"],        to: "cancelled",  by: ["user"],         access: "manage", set: CANCELLED,                    message: "cancelled by {user}" },
  { event: "cancel",    from: ["running"],               to: "cancelling", by: ["user"],         access: "manage", set: { cancelRequestedAt: "now" }, message: "cancelled by {user}" },
  { event: "claim",     from: ["queued"],                to: "running",    by: ["worker"],                         set: CLAIMED,                      message: "attempt {attempt} started on {host} ({worker})" },
  { event: "requeue",   from: ["running"],               to: "queued",     by: ["worker"],                         set: REQUEUED,                     message: RETRY },
  { event: "hand-back", from: ["running"],               to: "queued",     by: ["worker"],                         set: REQUEUED,                     message: "attempt {attempt} handed back: {reason}" },
  { event: "exit",      from: ["running", "cancelling"], to: "succeeded",  by: ["worker"],                         set: ENDED,                        message: "{reason}" },
  { event: "exit",      from: ["running"],               to: "failed",     by: ["worker"],                         set: ENDED,                        message: "{reason}" },
  { event: "exit",      from: ["running"],               to: "error",      by: ["worker"],                         set: ENDED,                        message: "{reason}" },
  { event: "exit",      from: ["running", "cancelling"], to: "cancelled",  by: ["worker"],                         set: ENDED,                        message: "{reason}" },
  { event: "lose",      from: ["running"],               to: "queued",     by: ["beat"],                           set: REQUEUED,                     message: RETRY },
  { event: "lose",      from: ["running"],               to: "error",      by: ["beat"],                           set: ENDED,                        message: "{reason}" },
  { event: "lose",      from: ["cancelling"],            to: "cancelled",  by: ["beat"],                           set: ENDED,                        message: "{reason}" },
] as const satisfies readonly TransitionRow[];

export type RunEvent = (typeof TABLE)[number]["event"];
export type RunTransition = TransitionRow & { event: RunEvent };
export const RUN_TRANSITIONS: readonly RunTransition[] = TABLE;

/** The states an event may lead to (`to` of `transitionRun` is typed by it). */
export type TargetOf<E extends RunEvent> = Extract<(typeof TABLE)[number], { event: E }>["to"];

/** The transition `event` makes to `to`, if the table has one. */
export function transitionTo(event: RunEvent, to: RunStatus): RunTransition | undefined {
  return RUN_TRANSITIONS.find((t) => t.event === event && t.to === to);
}

/** The transition `event` makes from `from`, if any (one at most for user events). */
export function transitionFrom(event: RunEvent, from: RunStatus): RunTransition | undefined {
  return RUN_TRANSITIONS.find((t) => t.event === event && t.from.includes(from));
}

/** The states an event leaves, whatever it leads to. */
export function statesLeftBy(event: RunEvent): RunStatus[] {
  return [...new Set(RUN_TRANSITIONS.flatMap((t) => (t.event === event ? t.from : [])))];
}

/** A finished run: no transition leaves its state. */
export function isFinished(status: RunStatus): boolean {
  return !RUN_TRANSITIONS.some((t) => t.from.includes(status));
}

/**
 * What a user's request answers where the table has no transition for it: `unchanged`
 * states answer as if the request had just been made (a second cancel), every other
 * one is a 409 with `refusal`. Retry makes a new run: it is allowed on finished runs.
 */
export const USER_EVENTS = {
  cancel: { unchanged: ["cancelling"], refusal: "The run has already finished: it is {status}" },
  release: { unchanged: [], refusal: "Only a held run can be released; this one is {status}" },
  retry: { unchanged: [], refusal: "Only a finished run can be retried; this one is {status}" },
} as const satisfies Record<string, { unchanged: readonly RunStatus[]; refusal: string }>;

/** The status and first event message of a new run (inserted, not moved: see create-run). */
export function submission(options: { hold: boolean; user: string; trigger: string }) {
  const { to, message } = transitionTo(
    options.hold ? "hold" : "submit",
    options.hold ? "held" : "queued",
  )!;
  const fill = (_: string, name: string) => (name === "user" ? options.user : options.trigger);
  return { status: to as "queued" | "held", message: message.replace(/\{(\w+)\}/g, fill) };
}
