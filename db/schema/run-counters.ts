import {
  bigint,
  datetime,
  mysqlEnum,
  mysqlTable,
  primaryKey,
  tinyint,
} from "drizzle-orm/mysql-core";
import { RUN_STATUSES } from "../../lib/run-status";

/**
 * Runs by status, kept by the transitions (server/lifecycle/run-counters.ts) in the same
 * transaction as each status change, so the operations page reads 8 × SHARDS rows instead
 * of counting a million. A transaction adds to the shard of its connection: concurrent
 * transitions of one status wait for each other only when their connections share a shard.
 * The sum over shards is the count; one shard may go negative (a run counted in one shard
 * and moved on in another). The beat's repair adds what drifted (repair-run-counters.ts).
 */
export const runCounts = mysqlTable(
  "run_counts",
  {
    status: mysqlEnum("status", RUN_STATUSES).notNull(),
    shard: tinyint("shard", { unsigned: true }).notNull(),
    n: bigint("n", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.status, t.shard] })],
);

/**
 * Runs that finished in each hour (UTC, the hour's start) by how they ended: the
 * operations page's chart. Kept by the transitions that finish a run; never lowered by
 * row retention, so the chart's history outlives the runs it counts.
 */
export const runHourly = mysqlTable(
  "run_hourly",
  {
    hour: datetime("hour", { mode: "date" }).notNull(),
    status: mysqlEnum("status", RUN_STATUSES).notNull(),
    n: bigint("n", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.hour, t.status] })],
);
