import type { Statement } from "@/db/client";
import { isTerminal, type RunStatus } from "@/lib/run-status";

/**
 * The statements that keep `run_counts` and `run_hourly` (db/schema/run-counters.ts) in
 * step with the runs, sent in the same transaction as the insert or the status change,
 * so a committed change is always counted and a rolled-back one never is. Each adds to
 * the counter (`n = n + d`): concurrent transitions never read-modify-write.
 *
 * Locks are always taken in one order (the run's row, then run_counts by status, then
 * run_hourly), so two transitions cannot deadlock on the counters.
 */

/** Shards of each status's counter; a transaction adds to the shard of its connection. */
export const COUNTER_SHARDS = 8;
const SHARD = `CONNECTION_ID() % ${COUNTER_SHARDS}`;

/** A new run of `status` (create-run.ts). */
export function countNewRun(status: RunStatus): Statement {
  return {
    sql: `INSERT INTO run_counts (status, shard, n) VALUES (?, ${SHARD}, 1)
          ON DUPLICATE KEY UPDATE n = n + 1`,
    params: [status],
  };
}

/**
 * A transition to `to` of the run `key = id`, counted only if it applied: `applied` and
 * `from` are the user variables transitionRun sets (the row count of its UPDATE and the
 * status it read under the row's lock). A run that ends is also counted in its hour.
 */
export function countTransition(options: {
  /** The column that names the run: `id` or `public_id`. */
  key: string;
  id: number | string;
  to: RunStatus;
  applied: string;
  from: string;
}): Statement[] {
  const { key, id, to, applied, from } = options;
  const counts: Statement = {
    // ORDER BY: the two rows are always locked in the same order.
    sql: `INSERT INTO run_counts (status, shard, n)
          SELECT s, ${SHARD}, d FROM (SELECT ${from} AS s, -1 AS d UNION ALL SELECT ?, 1) c
          WHERE ${applied} ORDER BY s
          ON DUPLICATE KEY UPDATE n = n + VALUES(n)`,
    params: [to],
  };
  if (!isTerminal(to)) return [counts];
  const hourly: Statement = {
    sql: `INSERT INTO run_hourly (hour, status, n)
          SELECT ${HOUR_OF_FINISH}, status, 1 FROM runs WHERE ${key} = ? AND ${applied}
          ON DUPLICATE KEY UPDATE n = n + 1`,
    params: [id],
  };
  return [counts, hourly];
}

/** The hour a run finished in, as run_hourly keys it (the repair counts the same way). */
export const HOUR_OF_FINISH = "DATE_FORMAT(finished_at, '%Y-%m-%d %H:00:00')";
