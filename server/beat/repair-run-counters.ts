import { sql } from "drizzle-orm";
import { RUN_STATUSES, TERMINAL_STATUSES, type RunStatus } from "@/lib/run-status";
import type { AppContext } from "../context";
import { COUNTER_SHARDS, HOUR_OF_FINISH } from "../lifecycle/run-counters";

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** Ids one counting statement covers (a range of the (status, id) index). */
const IDS_PER_STATEMENT = 100_000;
/** Hours of run_hourly the repair recounts: the chart's day and the one before. */
const HOURS_REPAIRED = 48;

export interface RepairResult {
  /** What was added to each status's count (only those that drifted). */
  statuses: Partial<Record<RunStatus, number>>;
  /** (hour, status) counters that drifted and were corrected. */
  hours: number;
}

type Rows<T> = [T[], unknown];
const key = (hour: string, status: string) => `${hour}|${status}`;

/**
 * Puts the operations counters (run_counts, run_hourly) right, however they drifted (a
 * row changed by hand, a counter lost to a bug). Counts the runs and reads the counters
 * in ONE consistent snapshot (REPEATABLE READ, plain reads: it locks nothing, so
 * transitions go on), then adds the difference to the counters: whatever committed after
 * the snapshot changed runs and counters alike, so the difference is still right, and an
 * increment, unlike setting the count, cannot undo a concurrent transition.
 *
 * Runs by status are counted over the (status, id) index, IDS_PER_STATEMENT ids a
 * statement. Hours: the last HOURS_REPAIRED, never an hour older than
 * RUN_ROW_RETENTION_DAYS, whose runs may be deleted while their hour's count stays.
 * The beat runs it at its first tick and every hour; `npm run ops -- recount` at will.
 */
export async function repairRunCounters(
  ctx: Pick<AppContext, "db" | "config">,
  options: { now?: Date; idsPerStatement?: number } = {},
): Promise<RepairResult> {
  const now = (options.now ?? new Date()).getTime();
  const step = options.idsPerStatement ?? IDS_PER_STATEMENT;
  let since = Math.floor(now / HOUR_MS) * HOUR_MS - (HOURS_REPAIRED - 1) * HOUR_MS;
  const days = ctx.config.runRowRetentionDays;
  if (days > 0) since = Math.max(since, Math.ceil((now - days * DAY_MS) / HOUR_MS) * HOUR_MS);
  const from = new Date(since);

  const seen = await ctx.db.transaction(
    async (tx) => {
      const [[top]] = (await tx.execute(
        sql`SELECT COALESCE(MAX(id), 0) AS id FROM runs`,
      )) as unknown as Rows<{ id: string | number }>;
      const maxId = Number(top?.id ?? 0);
      const runs = new Map<string, number>();
      for (const status of RUN_STATUSES) {
        let n = 0;
        for (let low = 0; low < maxId; low += step) {
          const [[row]] = (await tx.execute(
            sql`SELECT COUNT(*) AS n FROM runs WHERE status = ${status} AND id > ${low} AND id <= ${low + step}`,
          )) as unknown as Rows<{ n: string | number }>;
          n += Number(row?.n ?? 0);
        }
        runs.set(status, n);
      }
      const [counted] = (await tx.execute(
        sql`SELECT status, SUM(n) AS n FROM run_counts GROUP BY status`,
      )) as unknown as Rows<{ status: string; n: string | number }>;
      const [finished] = (await tx.execute(
        sql`SELECT ${sql.raw(HOUR_OF_FINISH)} AS hour, status, COUNT(*) AS n FROM runs
            WHERE finished_at >= ${from} AND status IN ${TERMINAL_STATUSES} GROUP BY 1, 2`,
      )) as unknown as Rows<{ hour: string; status: string; n: string | number }>;
      const [hourly] = (await tx.execute(
        sql`SELECT DATE_FORMAT(hour, '%Y-%m-%d %H:00:00') AS hour, status, n FROM run_hourly
            WHERE hour >= ${from}`,
      )) as unknown as Rows<{ hour: string; status: string; n: string | number }>;
      return { runs, counted, finished, hourly };
    },
    // (drizzle writes "with consistent snapshot read only" without the comma MariaDB needs.)
    { isolationLevel: "repeatable read", withConsistentSnapshot: true },
  );

  const statusDelta = new Map(seen.runs);
  for (const row of seen.counted)
    statusDelta.set(row.status, (statusDelta.get(row.status) ?? 0) - Number(row.n));
  const hourDelta = new Map<string, number>();
  for (const row of seen.finished) hourDelta.set(key(row.hour, row.status), Number(row.n));
  for (const row of seen.hourly) {
    const k = key(row.hour, row.status);
    hourDelta.set(k, (hourDelta.get(k) ?? 0) - Number(row.n));
  }

  // Sorted like the transitions lock them (run-counters.ts), shard 0.
  const statuses = [...statusDelta].filter(([, d]) => d !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
  if (statuses.length > 0)
    await ctx.db.execute(
      sql`INSERT INTO run_counts (status, shard, n) VALUES ${sql.join(
        statuses.map(([status, d]) => sql`(${status}, 0, ${d})`),
        sql`, `,
      )} ON DUPLICATE KEY UPDATE n = n + VALUES(n)`,
    );
  const hours = [...hourDelta].filter(([, d]) => d !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
  if (hours.length > 0)
    await ctx.db.execute(
      sql`INSERT INTO run_hourly (hour, status, n) VALUES ${sql.join(
        hours.map(([k, d]) => {
          const [hour, status] = k.split("|");
          return sql`(${hour}, ${status}, ${d})`;
        }),
        sql`, `,
      )} ON DUPLICATE KEY UPDATE n = n + VALUES(n)`,
    );
  return { statuses: Object.fromEntries(statuses), hours: hours.length };
}

/**
 * Creates the counter rows the next transitions will add to (every status × shard, this
 * hour's and the next hour's outcomes) with n = 0, once per beat tick. Two transactions that
 * both insert a row that does not exist yet can deadlock in InnoDB (each takes a shared
 * lock on the other's duplicate); adding to a row that exists cannot.
 */
export async function createCounterRows(
  ctx: Pick<AppContext, "db">,
  options: { now?: Date } = {},
): Promise<void> {
  const hour = Math.floor((options.now ?? new Date()).getTime() / HOUR_MS) * HOUR_MS;
  const statuses = [...RUN_STATUSES].sort();
  const shards = Array.from({ length: COUNTER_SHARDS }, (_, i) => i);
  await ctx.db.execute(
    sql`INSERT IGNORE INTO run_counts (status, shard, n) VALUES ${sql.join(
      statuses.flatMap((s) => shards.map((shard) => sql`(${s}, ${shard}, 0)`)),
      sql`, `,
    )}`,
  );
  const hours = [new Date(hour), new Date(hour + HOUR_MS)];
  await ctx.db.execute(
    sql`INSERT IGNORE INTO run_hourly (hour, status, n) VALUES ${sql.join(
      hours.flatMap((h) => [...TERMINAL_STATUSES].sort().map((s) => sql`(${h}, ${s}, 0)`)),
      sql`, `,
    )}`,
  );
}
