import { bumpChangesVersion } from "../changes/publish-run-change";
import { setTimeout as sleep } from "node:timers/promises";
import { inArray, sql } from "drizzle-orm";
import { runLogs, runOutputChunks, runOutputs } from "@/db/schema";
import { TERMINAL_STATUSES } from "@/lib/run-status";
import type { Statement } from "@/db/client";
import type { AppContext } from "../context";

const DAY_MS = 24 * 3600 * 1000;
/** Runs deleted by one transaction (with their events, attempts and outputs rows). */
const RUNS_PER_BATCH = 500;
/** Batches per tick, so one tick stays short; the rest waits for the next. */
const BATCHES_PER_TICK = 4;
/** Between batches: submissions and transitions get the table to themselves. */
const PAUSE_MS = 50;
/** Log and output chunks are up to 1 MiB each: this many rows a statement... */
const CONTENT_ROWS_PER_DELETE = 100;
/** ...and at most this many such statements a tick. */
const CONTENT_DELETES_PER_TICK = 40;

export interface RunRowRetentionResult {
  /** Runs deleted. */
  runs: number;
  /** Transactions that deleted runs. */
  batches: number;
}

export interface PruneRunRowsOptions {
  now?: Date;
  runsPerBatch?: number;
  batchesPerTick?: number;
  pauseMs?: number;
}

type Rows<T> = [T[], unknown];
const affected = (result: unknown) => (result as [{ affectedRows: number }])[0].affectedRows;

/**
 * Row retention, one bounded step per beat tick: deletes the runs that finished more than
 * RUN_ROW_RETENTION_DAYS ago with everything that belongs to them, oldest first, in
 * batches of RUNS_PER_BATCH with a pause between. 0 (the default) keeps every run.
 *
 * The candidates come from the finished_at index. Their logs and stored output content
 * (large rows) go first, CONTENT_ROWS_PER_DELETE rows a statement; then one short
 * transaction lowers run_counts by what it deletes and deletes the runs, whose events,
 * attempts, outputs rows (and anything left of logs and content) go with them by their
 * ON DELETE CASCADE foreign keys. Finished runs change no more, so nothing else waits
 * for those rows; the runs being submitted are at the other end of the primary key.
 * run_hourly is not touched: the chart of past hours keeps the runs it counted.
 * Returns what was deleted; a tick that used its content budget stops early. A tick that
 * deleted runs bumps the change counter (change feed and list ETags).
 */
export async function pruneRunRows(
  ctx: Pick<
    AppContext,
    "db" | "config" | "runTransaction" | "redis" | "keys" | "log" | "missedChanges"
  >,
  options: PruneRunRowsOptions = {},
): Promise<RunRowRetentionResult> {
  const result = { runs: 0, batches: 0 };
  const days = ctx.config.runRowRetentionDays;
  if (days <= 0) return result;
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * DAY_MS);
  const perBatch = options.runsPerBatch ?? RUNS_PER_BATCH;
  const budget = { contentDeletes: CONTENT_DELETES_PER_TICK };
  for (let batch = 0; batch < (options.batchesPerTick ?? BATCHES_PER_TICK); batch++) {
    if (batch > 0) await sleep(options.pauseMs ?? PAUSE_MS);
    const [candidates] = (await ctx.db.execute(
      sql`SELECT id FROM runs WHERE finished_at < ${cutoff} AND status IN ${TERMINAL_STATUSES}
          ORDER BY finished_at, id LIMIT ${perBatch}`,
    )) as unknown as Rows<{ id: string | number }>;
    const ids = candidates.map((r) => Number(r.id)).sort((a, b) => a - b);
    if (ids.length === 0) break;
    if (!(await deleteContent(ctx, ids, budget))) break;
    const [, deleted] = await ctx.runTransaction(deleteRuns(ids, cutoff));
    result.runs += (deleted as { affectedRows: number }).affectedRows;
    result.batches += 1;
    if (ids.length < perBatch) break;
  }
  // Open lists and their ETags learn that runs went (a run's deletion is no transition).
  if (result.runs > 0) await bumpChangesVersion(ctx);
  return result;
}

/** The transaction that deletes old finished runs among `ids` and takes them off the counts. */
function deleteRuns(ids: number[], cutoff: Date): Statement[] {
  const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");
  const old = `id IN (${marks(ids.length)}) AND finished_at < ? AND status IN (${marks(TERMINAL_STATUSES.length)})`;
  const params = [...ids, cutoff, ...TERMINAL_STATUSES];
  return [
    {
      // Locked by status name, the order in which the transitions lock counters.
      sql: `INSERT INTO run_counts (status, shard, n)
            SELECT status, 0, -COUNT(*) FROM runs WHERE ${old}
            GROUP BY status ORDER BY CAST(status AS CHAR)
            ON DUPLICATE KEY UPDATE n = n + VALUES(n)`,
      params,
    },
    { sql: `DELETE FROM runs WHERE ${old}`, params },
  ];
}

/**
 * Deletes the logs and stored output content of `ids` in bounded statements; false when
 * the tick's budget ran out first (the runs wait for the next tick).
 */
async function deleteContent(
  ctx: Pick<AppContext, "db">,
  ids: number[],
  budget: { contentDeletes: number },
): Promise<boolean> {
  const outputs = await ctx.db
    .select({ id: runOutputs.id })
    .from(runOutputs)
    .where(inArray(runOutputs.runId, ids));
  const outputIds = outputs.map((o) => o.id);
  const removals = [
    () => ctx.db.delete(runLogs).where(inArray(runLogs.runId, ids)).limit(CONTENT_ROWS_PER_DELETE),
    ...(outputIds.length === 0
      ? []
      : [
          () =>
            ctx.db
              .delete(runOutputChunks)
              .where(inArray(runOutputChunks.outputId, outputIds))
              .limit(CONTENT_ROWS_PER_DELETE),
        ]),
  ];
  for (const remove of removals) {
    for (;;) {
      if (budget.contentDeletes <= 0) return false;
      budget.contentDeletes -= 1;
      if (affected(await remove()) < CONTENT_ROWS_PER_DELETE) break;
    }
  }
  return true;
}
