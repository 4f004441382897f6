import { and, eq, inArray, sql } from "drizzle-orm";
import { runLogs, runOutputChunks, runOutputs } from "@/db/schema";
import type { AppContext } from "../context";

const DAY_MS = 24 * 3600 * 1000;
/** Log chunks and output chunks are up to 1 MiB each: delete this many rows per statement. */
const ROWS_PER_DELETE = 100;
/** Statements per kind per tick, so one tick stays short; the rest waits for the next. */
const DELETES_PER_TICK = 10;
/** The oldest runs (or outputs) still holding content that one tick looks at. */
const SCAN_WINDOW = 1000;
/** Runs (or outputs) whose content one tick removes. */
const TARGETS_PER_TICK = 50;

export interface RetentionResult {
  logRows: number;
  outputChunks: number;
}

function idsOf(result: unknown): number[] {
  const [rows] = result as [{ id: number | string }[], unknown];
  return rows.map((r) => Number(r.id));
}

function affected(result: unknown): number {
  return (result as [{ affectedRows: number }])[0].affectedRows;
}

/** Deletes rows of one table by a condition, in statements of ROWS_PER_DELETE. */
async function deleteInBatches(remove: () => Promise<unknown>): Promise<number> {
  let total = 0;
  for (let i = 0; i < DELETES_PER_TICK; i++) {
    const count = affected(await remove());
    total += count;
    if (count < ROWS_PER_DELETE) break;
  }
  return total;
}

/**
 * Retention, one bounded step per beat tick: removes the log (run_logs) and the stored
 * output content (run_output_chunks; the run_outputs rows stay, marked not stored) of
 * runs that finished more than RETENTION_DAYS ago. Run rows, events and attempts stay.
 * RETENTION_DAYS=0 keeps everything. The candidates are read from the content tables'
 * own indexes, oldest first (DISTINCT over the index prefix is a loose index scan),
 * then joined to runs by primary key (STRAIGHT_JOIN keeps that order), so a tick costs
 * the same however many runs there are or were already cleaned. (If more than
 * SCAN_WINDOW of the oldest runs with content are still young or running, older-finished
 * ones behind them wait until those age out.)
 */
export async function applyRetention(
  ctx: Pick<AppContext, "db" | "config">,
  options: { now?: Date } = {},
): Promise<RetentionResult> {
  const days = ctx.config.retentionDays;
  if (days <= 0) return { logRows: 0, outputChunks: 0 };
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * DAY_MS);

  const runIds = idsOf(
    await ctx.db.execute(sql`
      SELECT STRAIGHT_JOIN r.id AS id
      FROM (SELECT DISTINCT run_id FROM run_logs ORDER BY run_id LIMIT ${SCAN_WINDOW}) l
      JOIN runs r ON r.id = l.run_id
      WHERE r.finished_at < ${cutoff}
      ORDER BY l.run_id
      LIMIT ${TARGETS_PER_TICK}`),
  );
  const logRows =
    runIds.length === 0
      ? 0
      : await deleteInBatches(() =>
          ctx.db.delete(runLogs).where(inArray(runLogs.runId, runIds)).limit(ROWS_PER_DELETE),
        );

  const outputIds = idsOf(
    await ctx.db.execute(sql`
      SELECT STRAIGHT_JOIN o.id AS id
      FROM (SELECT DISTINCT output_id FROM run_output_chunks ORDER BY output_id LIMIT ${SCAN_WINDOW}) c
      JOIN run_outputs o ON o.id = c.output_id
      JOIN runs r ON r.id = o.run_id
      WHERE r.finished_at < ${cutoff}
      ORDER BY c.output_id
      LIMIT ${TARGETS_PER_TICK}`),
  );
  let outputChunks = 0;
  if (outputIds.length > 0) {
    // Not stored first: a download never serves a file whose chunks are half deleted.
    await ctx.db
      .update(runOutputs)
      .set({ stored: false })
      .where(and(inArray(runOutputs.id, outputIds), eq(runOutputs.stored, true)));
    outputChunks = await deleteInBatches(() =>
      ctx.db
        .delete(runOutputChunks)
        .where(inArray(runOutputChunks.outputId, outputIds))
        .limit(ROWS_PER_DELETE),
    );
  }
  return { logRows, outputChunks };
}
