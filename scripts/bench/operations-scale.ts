// (operations) the operations page at 1M runs and row retention under submissions (issue 12,
// items 3 and 4). In a database of its own: 1,000,000 finished runs over a year (one event
// each) seeded by bulk SQL from MariaDB's Sequence engine, the counters recounted by the
// beat's repair, then p50/p95 of getOperations (counters) beside the COUNT(*) queries it
// used to run, and the deletion of the oldest 100,000 runs by RUN_ROW_RETENTION_DAYS
// (the beat's batches, ticks back to back) while 4 clients submit: submit p50/p95 before
// and during. Needs MySQL/MariaDB with the Sequence engine and Redis, no build:
// `BENCH_PARTS=operations npm run bench` (BENCH_OPERATIONS_RUNS to change 1M).
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { createConnection } from "mysql2/promise";
import { pruneRunRows } from "@/server/beat/prune-run-rows";
import { repairRunCounters } from "@/server/beat/repair-run-counters";
import { createAppContext, type AppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { getOperations } from "@/server/operations/get-operations";
import { submitRun } from "@/server/runs/submit-run";
import { createUser } from "@/server/users/create-user";
import { registerPipelines } from "@/test/pipelines";
import { principalOf } from "@/test/principal";
import { createTestResources } from "@/test/resources";
import { fmt, percentile } from "./stats";

const DAY_MS = 24 * 3600 * 1000;
const SEED_CHUNK = 100_000;
const SAMPLES = 200;
const CLIENTS = 4;

export interface OperationsScaleFigures {
  runs: number;
  seedSeconds: number;
  /** The beat's repair of the counters over all the runs (seconds). */
  repairSeconds: number;
  operations: { p50: number; p95: number; samples: number };
  /** The page's two reads of the counters alone (MySQL; the rest is Redis and the intake). */
  counterQueries: { p50: number; p95: number; samples: number };
  /** The two COUNT(*) queries the page ran before the counters. */
  countQueries: { p50: number; p95: number; samples: number };
  /** The index and estimated rows of MariaDB's plan for each statement, `key rows`. */
  plans: Record<string, string>;
  retention: {
    runs: number;
    batches: number;
    seconds: number;
    submitBefore: { p50: number; p95: number; n: number };
    submitDuring: { p50: number; p95: number; n: number };
  };
}

/** Bulk-inserts `total` finished runs (and one event each), oldest first, over a year. */
async function seedRuns(databaseUrl: string, total: number, pipelineId: number, userId: number) {
  const connection = await createConnection({ uri: databaseUrl });
  try {
    await connection.query("SET foreign_key_checks = 0, unique_checks = 0, time_zone = '+00:00'");
    const span = 365 * DAY_MS;
    const now = Date.now();
    for (let low = 0; low < total; low += SEED_CHUNK) {
      const high = Math.min(total, low + SEED_CHUNK);
      // seq i finished at now - span + i * span / total; statuses 90/5/3/2 %.
      await connection.query(
        `INSERT INTO runs (public_id, pipeline_id, pipeline_name, pipeline_version, user_id, name,
           labels, status, \`trigger\`, config, attempt, max_attempts, exit_code, created_at,
           queued_at, started_at, finished_at, updated_at)
         SELECT CONCAT('0BENCH', LPAD(seq, 20, '0')), ?, 'hello', '1.0.0', ?, CONCAT('bulk-', seq),
           '{}', ELT(1 + (seq % 100 >= 90) + (seq % 100 >= 95) + (seq % 100 >= 98),
             'succeeded', 'failed', 'error', 'cancelled'),
           'api', '{"name":"bulk"}', 1, 1, 0, t - INTERVAL 60 SECOND,
           t - INTERVAL 60 SECOND, t - INTERVAL 30 SECOND, t, t
         FROM (SELECT seq, FROM_UNIXTIME((? - ? + seq * ?) / 1000) AS t
               FROM seq_${low + 1}_to_${high}) s`,
        [pipelineId, userId, now, span, span / total],
      );
      await connection.query(
        `INSERT INTO run_events (run_id, attempt, from_status, to_status, message, created_at)
         SELECT id, 1, 'running', status, 'bulk', finished_at FROM runs
         WHERE public_id BETWEEN CONCAT('0BENCH', LPAD(?, 20, '0')) AND CONCAT('0BENCH', LPAD(?, 20, '0'))`,
        [low + 1, high],
      );
    }
  } finally {
    await connection.end();
  }
}

async function timeEach(n: number, f: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await f();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), samples: n };
}

/** Submissions by CLIENTS clients until `until` resolves; each one's latency (ms). */
async function submitWhile(
  ctx: AppContext,
  principal: ReturnType<typeof principalOf>,
  until: Promise<unknown>,
) {
  let done = false;
  void until.finally(() => (done = true));
  const ms: number[] = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; !done; i++) {
        const start = performance.now();
        await submitRun(ctx, {
          principal,
          body: JSON.stringify({ pipeline: "hello", config: { name: `s${c}-${i}` } }),
          format: "runs",
          trigger: "api",
          dryRun: false,
        });
        ms.push(performance.now() - start);
      }
    }),
  );
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), n: ms.length };
}

/** EXPLAIN of each statement: the index it uses and the rows MariaDB expects to read. */
async function explain(ctx: AppContext, queries: Record<string, ReturnType<typeof sql>>) {
  const plans: Record<string, string> = {};
  for (const [name, query] of Object.entries(queries)) {
    const [rows] = (await ctx.db.execute(sql`EXPLAIN ${query}`)) as unknown as [
      { key: string | null; rows: number; Extra: string | null }[],
    ];
    plans[name] = rows.map((r) => `${r.key ?? "no index"} ${r.rows} ${r.Extra ?? ""}`).join("; ");
  }
  return plans;
}

export async function measureOperationsScale(
  options: { runs?: number; retained?: number } = {},
): Promise<OperationsScaleFigures> {
  const total = options.runs ?? Number(process.env.BENCH_OPERATIONS_RUNS ?? 1_000_000);
  const retained = Math.min(total, options.retained ?? total / 10);
  const resources = await createTestResources();
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: resources.databaseUrl,
    REDIS_URL: resources.redisUrl,
    REDIS_PREFIX: resources.redisPrefix,
    AUTH_SECRET: "bench-operations-secret-0123456789abcdef",
    LOG_LEVEL: "warn",
  });
  const ctx = createAppContext(config, "bench");
  try {
    await registerPipelines(ctx);
    const admin = await createUser(ctx, {
      username: "ops-bench",
      role: "admin",
      password: "ops-bench-password-1",
    });
    const principal = principalOf(admin.id, "ops-bench", "admin");
    const [[pipeline]] = (await ctx.db.execute(
      sql`SELECT id FROM pipelines WHERE name = 'hello' AND version = '1.0.0'`,
    )) as unknown as [{ id: number }[]];

    let start = performance.now();
    await seedRuns(resources.databaseUrl, total, Number(pipeline!.id), admin.id);
    const seedSeconds = (performance.now() - start) / 1000;
    start = performance.now();
    await repairRunCounters(ctx);
    const repairSeconds = (performance.now() - start) / 1000;

    await timeEach(10, () => getOperations(ctx, { principal })); // warm up
    const operations = await timeEach(SAMPLES, () => getOperations(ctx, { principal }));
    const since = new Date(Date.now() - DAY_MS);
    const counterQueries = await timeEach(SAMPLES, () =>
      Promise.all([
        ctx.db.execute(sql`SELECT status, SUM(n) FROM run_counts GROUP BY status`),
        ctx.db.execute(sql`SELECT hour, status, n FROM run_hourly WHERE hour >= ${since}`),
      ]),
    );
    const countQueries = await timeEach(10, () =>
      Promise.all([
        ctx.db.execute(sql`SELECT status, COUNT(*) FROM runs GROUP BY status`),
        ctx.db.execute(sql`SELECT DATE_FORMAT(finished_at, '%Y-%m-%dT%H:00:00Z'), status, COUNT(*)
          FROM runs WHERE finished_at IS NOT NULL AND finished_at >= ${since} GROUP BY 1, status`),
      ]),
    );

    // The oldest `retained` runs are older than the cutoff: days = now - the last one's finish.
    const [[edge]] = (await ctx.db.execute(
      sql`SELECT UNIX_TIMESTAMP(finished_at) * 1000 AS at FROM runs WHERE public_id = CONCAT('0BENCH', LPAD(${retained + 1}, 20, '0'))`,
    )) as unknown as [{ at: string }[]];
    const days = (Date.now() - Number(edge!.at)) / DAY_MS;
    const pruning = { ...ctx, config: { ...ctx.config, runRowRetentionDays: days } };
    const cutoff = new Date(Date.now() - days * DAY_MS);
    const plans = await explain(ctx, {
      "retention candidates": sql`SELECT id FROM runs WHERE finished_at < ${cutoff}
        AND status IN ('succeeded', 'failed', 'error', 'cancelled') ORDER BY finished_at, id LIMIT 500`,
      "repair, one status": sql`SELECT COUNT(*) FROM runs WHERE status = 'succeeded' AND id > 0 AND id <= 100000`,
      "repair, 48 hours": sql`SELECT DATE(finished_at), status, COUNT(*) FROM runs
        WHERE finished_at >= ${new Date(Date.now() - 2 * DAY_MS)} GROUP BY 1, 2`,
      "page, by status": sql`SELECT status, SUM(n) FROM run_counts GROUP BY status`,
      "page, per hour": sql`SELECT hour, status, n FROM run_hourly WHERE hour >= ${since}`,
    });
    const submitBefore = await submitWhile(ctx, principal, new Promise((r) => setTimeout(r, 5000)));
    let deleted = { runs: 0, batches: 0 };
    start = performance.now();
    const prune = (async () => {
      for (;;) {
        const step = await pruneRunRows(pruning);
        deleted = { runs: deleted.runs + step.runs, batches: deleted.batches + step.batches };
        if (step.runs === 0) return;
      }
    })();
    const submitDuring = await submitWhile(ctx, principal, prune);
    await prune;
    const seconds = (performance.now() - start) / 1000;
    const [byStatus] = (await ctx.db.execute(
      sql`SELECT (SELECT COUNT(*) FROM runs) AS runs, (SELECT SUM(n) FROM run_counts) AS counted`,
    )) as unknown as [{ runs: string; counted: string }[]];
    if (Number(byStatus[0]!.runs) !== Number(byStatus[0]!.counted))
      throw new Error(`counters drifted: ${JSON.stringify(byStatus[0])}`);
    return {
      runs: total,
      seedSeconds,
      repairSeconds,
      operations,
      counterQueries,
      countQueries,
      plans,
      retention: { ...deleted, seconds, submitBefore, submitDuring },
    };
  } finally {
    await ctx.queue.obliterate({ force: true }).catch(() => undefined);
    await ctx.close();
    await resources.remove();
  }
}

export function operationsRows(f: OperationsScaleFigures): string[][] {
  const k = (n: number) => `${fmt(n / 1000, 0)}k`;
  return [
    [`(ops) GET operations at ${k(f.runs)} runs p50`, `${fmt(f.operations.p50)} ms`, ""],
    [
      `(ops) GET operations at ${k(f.runs)} runs p95`,
      `${fmt(f.operations.p95)} ms`,
      "target ≤ 50 ms",
    ],
    ["(ops) its counter queries alone p95", `${fmt(f.counterQueries.p95)} ms`, ""],
    ["(ops) the old COUNT(*) queries p50", `${fmt(f.countQueries.p50)} ms`, ""],
    [`(ops) retention of ${k(f.retention.runs)} runs`, `${fmt(f.retention.seconds)} s`, ""],
    [
      "(ops) submit p95 before / during retention",
      `${fmt(f.retention.submitBefore.p95)} / ${fmt(f.retention.submitDuring.p95)} ms`,
      "",
    ],
  ];
}

export function operationsDetail(f: OperationsScaleFigures): string {
  const r = f.retention;
  return [
    `(ops) seeded ${f.runs} runs in ${fmt(f.seedSeconds)} s; the counters' repair over them took ${fmt(f.repairSeconds, 2)} s`,
    `      operations p50 ${fmt(f.operations.p50)} / p95 ${fmt(f.operations.p95)} ms (${f.operations.samples} samples); counter queries alone p50 ${fmt(f.counterQueries.p50)} / p95 ${fmt(f.counterQueries.p95)} ms; COUNT(*) queries p50 ${fmt(f.countQueries.p50)} / p95 ${fmt(f.countQueries.p95)} ms`,
    `      retention: ${r.runs} runs in ${r.batches} batches, ${fmt(r.seconds)} s (ticks back to back); submit p50/p95 before ${fmt(r.submitBefore.p50)}/${fmt(r.submitBefore.p95)} ms (${r.submitBefore.n}), during ${fmt(r.submitDuring.p50)}/${fmt(r.submitDuring.p95)} ms (${r.submitDuring.n})`,
    ...Object.entries(f.plans).map(([name, plan]) => `      EXPLAIN ${name}: ${plan}`),
  ].join("\n");
}
