// The run list at 1,000,000 runs (issue 12): every query of the issue's table, every pair
// of the status, pipeline, user, label and q filters, and a submitter's own views, through
// the real service (listRuns with an admin's or a submitter's principal), p50/p95 of
// sequential calls, plus the rows MariaDB examined (ANALYZE FORMAT=JSON, r_rows × r_loops)
// for the page and the capped count. Needs MariaDB only: `BENCH_PARTS=history npm run bench`.
import { loadavg } from "node:os";
import { createConnection, type Connection } from "mysql2/promise";
import type { SQL } from "drizzle-orm";
import { MySqlDialect } from "drizzle-orm/mysql-core";
import { createDatabase, type Database } from "@/db/client";
import { ZListRunsQuery } from "@/lib/contract/runs";
import type { Principal } from "@/server/auth/principal";
import { listRuns, runListStatements } from "@/server/runs/list-runs";
import { ADMIN, HISTORY_RUNS, SUBMITTER, historyDatabase } from "./history-seed";
import { fmt, percentile } from "./stats";

const SAMPLES = 40;
const WARMUP = 3;

export interface HistoryQueryFigures {
  query: string;
  as: "admin" | "submitter";
  p50: number;
  p95: number;
  total: string;
  /** Rows MariaDB read for the page's ids and for the count, and its time (ANALYZE). */
  pageRows: number;
  countRows: number;
  serverMs: number;
}

export interface HistoryFigures {
  runs: number;
  seedSeconds: number;
  /** The machine's 1-minute load average when the part began (2 cores: above 2 is busy). */
  load: string;
  queries: HistoryQueryFigures[];
  /** p50/p95 of `SELECT 1` on the same pool: what any statement costs on this machine now. */
  floor: { p50: number; p95: number };
}

async function roundTripFloor(db: Database) {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const started = performance.now();
    await db.execute("SELECT 1");
    if (i >= WARMUP) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function principalOf(db: Database, username: string): Promise<Principal> {
  const [rows] = (await db.execute(
    `SELECT id, role FROM users WHERE username = '${username}'`,
  )) as unknown as [{ id: number; role: Principal["role"] }[]];
  const user = rows[0];
  if (!user) throw new Error(`no user ${username}`);
  return { userId: Number(user.id), username, role: user.role, via: "password" };
}

/** The queries: single filters, every pair, the issue's triple, deep pages. */
function queries(version: string, runId: string, deepCursor: string): string[] {
  const filters = {
    status: "status=failed",
    pipeline: "pipeline=fastq-qc",
    user: `user=${SUBMITTER}`,
    label: "label=batch:b500",
    q: "q=bulk-5000",
  };
  const values = Object.values(filters);
  const pairs = values.flatMap((a, i) => values.slice(i + 1).map((b) => `${a}&${b}`));
  return [
    "",
    ...values,
    "status=queued",
    "status=failed&status=cancelled",
    `pipeline=fastq-qc@${version}`,
    "label=batch:b7",
    "q=bulk-99999",
    `q=${runId}`,
    ...pairs,
    `status=failed&pipeline=fastq-qc&user=${SUBMITTER}`,
    `status=failed&status=cancelled&pipeline=hello`,
    "status=queued&label=batch:b999",
    `cursor=${deepCursor}`,
    `status=failed&cursor=${deepCursor}`,
  ];
}

function parse(search: string) {
  const params = new URLSearchParams(search);
  return ZListRunsQuery.parse({
    ...Object.fromEntries(params),
    status: params.getAll("status"),
    label: params.getAll("label"),
  });
}

/** Server time of a plan (ms): what the statement cost MariaDB, queueing for a CPU aside. */
const serverMs = (plan: { query_block?: { r_total_time_ms?: number } }) =>
  plan.query_block?.r_total_time_ms ?? NaN;

/** Rows read by every table access in an ANALYZE FORMAT=JSON plan. */
function examined(node: unknown): number {
  if (!node || typeof node !== "object") return 0;
  let sum = 0;
  const table = (node as { table?: { r_rows?: number; r_loops?: number } }).table;
  if (table && typeof table.r_rows === "number") sum += table.r_rows * (table.r_loops ?? 1);
  for (const value of Object.values(node)) sum += examined(value);
  return sum;
}

async function analyze(
  connection: Connection,
  statement: Parameters<MySqlDialect["sqlToQuery"]>[0],
) {
  const { sql, params } = new MySqlDialect().sqlToQuery(statement);
  const [rows] = (await connection.query(`ANALYZE FORMAT=JSON ${sql}`, params)) as unknown as [
    { ANALYZE: string }[],
  ];
  const plan = JSON.parse(rows[0]?.ANALYZE ?? "{}") as Parameters<typeof serverMs>[0];
  return { rows: Math.round(examined(plan)), ms: serverMs(plan) };
}

async function analyzeBoth(connection: Connection, statements: { page: SQL; count: SQL }) {
  const page = await analyze(connection, statements.page);
  const count = await analyze(connection, statements.count);
  return { pageRows: page.rows, countRows: count.rows, serverMs: page.ms + count.ms };
}

async function measureQuery(
  db: Database,
  connection: Connection,
  principal: Principal,
  search: string,
): Promise<Omit<HistoryQueryFigures, "query" | "as">> {
  const query = parse(search);
  const times: number[] = [];
  let total = "";
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const started = performance.now();
    const list = await listRuns({ db }, { principal, query });
    if (i >= WARMUP) times.push(performance.now() - started);
    total = `${list.totalIsLowerBound ? ">" : ""}${list.total}`;
  }
  times.sort((a, b) => a - b);
  const statements = await runListStatements({ db }, { principal, query, totalCap: 10_000 });
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    total,
    ...(statements
      ? await analyzeBoth(connection, statements)
      : { pageRows: 0, countRows: 0, serverMs: 0 }),
  };
}

export async function measureHistory(): Promise<HistoryFigures> {
  const load = loadavg()[0]!.toFixed(1);
  const { url, seedSeconds } = await historyDatabase();
  const handle = createDatabase(url);
  const connection = await createConnection({ uri: url });
  try {
    const { db } = handle;
    const [meta] = (await db.execute(
      "SELECT (SELECT pipeline_version FROM runs WHERE pipeline_name = 'fastq-qc' LIMIT 1) AS version, " +
        `(SELECT public_id FROM runs WHERE id = ${HISTORY_RUNS / 2 + 1}) AS runId`,
    )) as unknown as [{ version: string; runId: string }[]];
    const deepCursor = Buffer.from(String(HISTORY_RUNS / 2)).toString("base64url");
    const admin = await principalOf(db, ADMIN);
    const submitter = await principalOf(db, SUBMITTER);
    const figures: HistoryQueryFigures[] = [];
    const floor = await roundTripFloor(db);
    for (const search of queries(meta[0]!.version, meta[0]!.runId, deepCursor))
      figures.push({
        query: search,
        as: "admin",
        ...(await measureQuery(db, connection, admin, search)),
      });
    for (const search of ["", "status=failed", "pipeline=hello", "label=batch:b7", "q=bulk-99"])
      figures.push({
        query: search,
        as: "submitter",
        ...(await measureQuery(db, connection, submitter, search)),
      });
    return { runs: HISTORY_RUNS, seedSeconds, load, floor, queries: figures };
  } finally {
    await connection.end();
    await handle.close();
  }
}

export function historyRows(h: HistoryFigures): string[][] {
  const worst = Math.max(...h.queries.map((q) => q.p95));
  return [
    [
      `(i) run list at ${h.runs.toLocaleString("en")} runs: worst p95 of ${h.queries.length} queries`,
      `${fmt(worst)} ms`,
      "target ≤ 50 ms",
    ],
  ];
}

export function historyDetail(h: HistoryFigures): string {
  const lines = [
    `\n(i) run list, load average ${h.load} at the start, ${h.runs.toLocaleString("en")} runs (${h.seedSeconds ? `seeded in ${fmt(h.seedSeconds)} s` : "database kept"}), limit 50, ${SAMPLES} calls each:`,
    `    floor: SELECT 1 p50 ${fmt(h.floor.p50)} ms, p95 ${fmt(h.floor.p95)} ms (a list call makes 2-4 statements)`,
    "    as        p50 ms   p95 ms   total    rows read (page / count)   server ms   query",
  ];
  for (const q of h.queries)
    lines.push(
      `    ${q.as.padEnd(9)} ${fmt(q.p50).padStart(6)}   ${fmt(q.p95).padStart(6)}   ${q.total.padStart(6)}   ${String(q.pageRows).padStart(8)} / ${String(q.countRows).padEnd(8)}        ${fmt(q.serverMs).padStart(6)}      ${q.query.replace(/cursor=[^&]+/, "cursor=<id 500000>") || "(no filter)"}`,
    );
  return lines.join("\n");
}
