import { and, eq, inArray, sql } from "drizzle-orm";
import { runs, type RunRow } from "@/db/schema";
import type { Statement } from "@/db/client";
import type { RunStatus } from "@/lib/run-status";
import { publishRunChange } from "../changes/publish-run-change";
import type { AppContext } from "../context";
import {
  transitionTo,
  type RunActor,
  type RunEvent,
  type RunTransition,
  type TargetOf,
} from "./run-transitions";
import { countTransition } from "./run-counters";

/** A condition for statements in `also`: true when the transition applied. */
export const IF_APPLIED = "@runport_applied = 1";

/** What a guard's `before` statements set: NULL to go ahead, else why not (a short word). */
export const GUARD_REFUSAL = "@runport_refused";

/**
 * A condition checked in the transition's own round trip, ahead of its transaction (the
 * limits of a claim: server/runs/run-limits.ts). `before` must set GUARD_REFUSAL first
 * thing; `after` runs once the transaction has committed or been rolled back.
 */
export interface TransitionGuard {
  before: readonly Statement[];
  after: readonly Statement[];
}

export interface TransitionRunOptions<E extends RunEvent> {
  run: { id: number } | { publicId: string };
  event: E;
  to: TargetOf<E>;
  by: RunActor;
  /** The values of the message's {placeholders} ({attempt} excepted). */
  details?: Record<string, string | number>;
  /** The values of the columns the transition sets as `given`. */
  values?: Partial<RunRow>;
  /** Only while the run is at this attempt: the end of an attempt never touches a later one. */
  attempt?: number;
  actorUserId?: number | null;
  now?: Date;
  /** More statements for the same transaction; each must hold off with IF_APPLIED. */
  also?: readonly Statement[];
  /** Applies only if the guard lets it (the result then says why not: `refused`). */
  guard?: TransitionGuard;
}

export type TransitionResult =
  { applied: true; from: RunStatus; attempt: number } | { applied: false; refused?: string };

/** The message as SQL: literal parts and details as parameters, {attempt} from the row. */
function messageSql(transition: RunTransition, details: Record<string, string | number>) {
  const params: unknown[] = [];
  // split() with a group: literal parts at even indexes, placeholder names at odd ones.
  const sqlParts = transition.message.split(/\{(\w+)\}/).map((part, i) => {
    if (i % 2 === 1 && part === "attempt") return "attempt";
    const value = i % 2 === 0 ? part : details[part];
    if (value === undefined) throw new Error(`the ${transition.event} message needs {${part}}`);
    params.push(String(value));
    return "?";
  });
  return { sql: `LEFT(CONCAT(${sqlParts.join(", ")}), 1000)`, params };
}

function columnValues(transition: RunTransition, now: Date, values: Partial<RunRow>) {
  const set: Record<string, unknown> = { status: transition.to, updatedAt: now };
  for (const [field, rule] of Object.entries(transition.set) as [keyof RunRow, string][]) {
    if (rule === "given" && !(field in values)) {
      throw new Error(`the ${transition.event} transition needs a value for ${field}`);
    }
    set[field] =
      rule === "now"
        ? now
        : rule === "+1"
          ? sql`${runs[field]} + 1`
          : rule === "null"
            ? null
            : values[field];
  }
  return set;
}

/**
 * The one way a run changes status: the transition the table lists for `event` → `to`,
 * as a conditional UPDATE (`WHERE id = ? AND status IN (<its from states>)`) with its
 * run_events row, the counters of the operations page (run-counters.ts), and `also`, in
 * one transaction sent in one round trip. Returns whether
 * it applied: not when the run is in none of the from states (somebody moved it first,
 * or the table has no such transition). A caller the table does not list is a bug.
 * An applied transition is announced on the change feed (not awaited, never failing).
 */
export async function transitionRun<E extends RunEvent>(
  ctx: Pick<AppContext, "db" | "runTransaction" | "redis" | "keys" | "log" | "missedChanges">,
  options: TransitionRunOptions<E>,
): Promise<TransitionResult> {
  const transition = transitionTo(options.event, options.to);
  if (!transition || transition.from.length === 0) return { applied: false };
  if (!transition.by.includes(options.by)) {
    throw new Error(`a ${options.by} cannot cause ${options.event} → ${options.to}`);
  }
  const now = options.now ?? new Date();
  const [key, column, id] =
    "id" in options.run
      ? ["id", runs.id, options.run.id]
      : ["public_id", runs.publicId, options.run.publicId];
  const update = ctx.db
    .update(runs)
    .set(columnValues(transition, now, options.values ?? {}))
    .where(
      and(
        eq(column, id),
        inArray(runs.status, [...transition.from]),
        options.attempt === undefined ? undefined : eq(runs.attempt, options.attempt),
        options.guard ? sql.raw(`${GUARD_REFUSAL} IS NULL`) : undefined,
      ),
    )
    .toSQL();
  const message = messageSql(transition, options.details ?? {});
  // (A user variable set from IF() comes back as bytes: read as text.)
  const refusal = options.guard ? `CONVERT(${GUARD_REFUSAL} USING utf8mb4)` : "NULL";
  const statements: Statement[] = [
    // The row is locked from here, so the from state read is the one the UPDATE leaves.
    {
      sql: `SET @runport_from = (SELECT status FROM runs WHERE ${key} = ? FOR UPDATE)`,
      params: [id],
    },
    update,
    { sql: "SET @runport_applied = ROW_COUNT()", params: [] },
    {
      sql: `INSERT INTO run_events (run_id, attempt, from_status, to_status, message, actor_user_id, created_at)
            SELECT id, attempt, @runport_from, ?, ${message.sql}, ?, ? FROM runs WHERE ${key} = ? AND ${IF_APPLIED}`,
      params: [transition.to, ...message.params, options.actorUserId ?? null, now, id],
    },
    ...countTransition({
      key,
      id,
      to: transition.to,
      applied: IF_APPLIED,
      from: "@runport_from",
    }),
    ...(options.also ?? []),
    {
      sql: `SELECT @runport_applied AS applied, @runport_from AS \`from\`, ${refusal} AS refused, attempt, public_id AS publicId, user_id AS userId FROM runs WHERE ${key} = ?`,
      params: [id],
    },
  ];
  const results = await ctx.runTransaction(statements, options.guard);
  const [row] = results.at(-1) as {
    applied: number;
    from: RunStatus;
    refused: string | null;
    attempt: number;
    publicId: string;
    userId: number;
  }[];
  if (Number(row?.applied) !== 1)
    return { applied: false, ...(row?.refused ? { refused: row.refused } : {}) };
  void publishRunChange(ctx, {
    kind: "status",
    run: row!.publicId,
    userId: Number(row!.userId),
    status: transition.to,
  });
  return { applied: true, from: row!.from, attempt: Number(row!.attempt) };
}
