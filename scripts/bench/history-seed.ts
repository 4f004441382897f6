// The history part's database: 1,000,000 finished runs bulk-inserted by SQL from MariaDB's
// Sequence engine (seq_1_to_N), kept between bench runs while its marker says the same
// migrations and seed. Shaped like issue 12's test: 1% of runs belong to one submitter,
// labels batch:b0…b999 (1,000 runs each), 3 pipelines, ≈5% failed, 2% cancelled, and the
// newest 45 runs queued, running or held.
import { readFileSync } from "node:fs";
import path from "node:path";
import { createConnection, type Connection } from "mysql2/promise";
import { createDatabase, type Database } from "@/db/client";
import { dropDatabase, ensureDatabase } from "@/db/ensure-database";
import { migrateDatabase } from "@/db/migrate";
import { loadPipelineDefinitions } from "@/server/pipelines/load-pipeline-definitions";
import { syncPipelines } from "@/server/pipelines/sync-pipelines";

export const HISTORY_RUNS = 1_000_000;
const BATCH = 100_000;
const LIVE = 45;
const SEED_VERSION = 4;
export const ADMIN = "history-admin";
export const SUBMITTER = "history-submitter";
const OTHERS = Array.from({ length: 8 }, (_, i) => `history-user-${i}`);

async function query<T>(db: Database, statement: string): Promise<T[]> {
  const [rows] = (await db.execute(statement)) as unknown as [T[]];
  return rows;
}

/** The migrations the database must have, and the seed's shape: a change reseeds. */
function markerOf(): string {
  const journal = JSON.parse(
    readFileSync(path.resolve("db/migrations/meta/_journal.json"), "utf8"),
  ) as { entries: { tag: string }[] };
  return `${journal.entries.at(-1)?.tag ?? "none"}/seed-${SEED_VERSION}/${HISTORY_RUNS}`;
}

async function seeded(db: Database, marker: string): Promise<boolean> {
  try {
    const rows = await query<{ marker: string }>(db, "SELECT marker FROM bench_marker");
    return rows[0]?.marker === marker;
  } catch {
    return false; // no marker table: not seeded
  }
}

async function prepare(db: Database): Promise<void> {
  await migrateDatabase(db, "db/migrations");
  const { pipelines, problems } = loadPipelineDefinitions([path.resolve("pipelines")]);
  if (problems.length > 0) throw new Error(`pipeline problems: ${JSON.stringify(problems)}`);
  await syncPipelines({ db }, pipelines);
}

/** On one connection: the session settings and temporary tables hold for it alone. */
async function seed(db: Connection, marker: string): Promise<void> {
  const names = [ADMIN, SUBMITTER, ...OTHERS];
  await db.query(
    `INSERT INTO users (username, role, password_hash, created_at) VALUES ${names
      .map((n) => `('${n}', '${n === ADMIN ? "admin" : "submitter"}', '!', NOW(3))`)
      .join(", ")}`,
  );
  // One version per pipeline: fastq-qc, fastq-subsample, hello (i % 3 picks one).
  await db.query(
    "CREATE TEMPORARY TABLE bench_pipelines (k INT PRIMARY KEY, id BIGINT, name VARCHAR(64), version VARCHAR(64)) " +
      "SELECT ROW_NUMBER() OVER (ORDER BY name) - 1 AS k, id, name, version FROM pipelines " +
      "WHERE id IN (SELECT MIN(id) FROM pipelines GROUP BY name)",
  );
  await db.query(
    "CREATE TEMPORARY TABLE bench_users (k INT PRIMARY KEY, id BIGINT) " +
      `SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS k, id FROM users WHERE username <> '${SUBMITTER}'`,
  );
  const [[submitter]] = (await db.query(
    `SELECT id FROM users WHERE username = '${SUBMITTER}'`,
  )) as unknown as [{ id: number }[]];
  await db.query("SET SESSION unique_checks = 0, foreign_key_checks = 0");
  // Secondary indexes are built once at the end (a sorted build) instead of row by row.
  const dropped = [...(await dropIndexes(db, "runs")), ...(await dropIndexes(db, "run_labels"))];
  const steps = { runs: 0, labels: 0, indexes: 0 };
  const timed = async (step: keyof typeof steps, statement: string) => {
    const started = performance.now();
    await db.query(statement);
    steps[step] += (performance.now() - started) / 1000;
  };
  for (let from = 1; from <= HISTORY_RUNS; from += BATCH) {
    const to = Math.min(HISTORY_RUNS, from + BATCH - 1);
    await timed("runs", runsInsert(from, to, submitter!.id));
    await timed(
      "labels",
      `INSERT INTO run_labels (run_id, \`key\`, value) SELECT seq, 'batch', CONCAT('b', seq DIV 1000) FROM seq_${from}_to_${to}`,
    );
  }
  for (const table of ["runs", "run_labels"]) {
    const adds = dropped.filter((d) => d.table === table).map((d) => d.add);
    if (adds.length) await timed("indexes", `ALTER TABLE \`${table}\` ${adds.join(", ")}`);
  }
  await db.query("SET SESSION unique_checks = 1, foreign_key_checks = 1");
  await db.query("ANALYZE TABLE runs, run_labels");
  const s = (n: number) => n.toFixed(1);
  console.log(
    `history: runs ${s(steps.runs)} s, run_labels ${s(steps.labels)} s, secondary indexes ${s(steps.indexes)} s`,
  );
  await db.query("CREATE TABLE bench_marker (marker VARCHAR(200) NOT NULL)");
  await db.query(`INSERT INTO bench_marker VALUES ('${marker}')`);
}

/**
 * Drops the table's non-unique secondary indexes but those a foreign key needs (MariaDB
 * refuses those: 1553); what to add back, in the migrations' own definitions.
 */
async function dropIndexes(db: Connection, table: string) {
  const [rows] = (await db.query(
    "SELECT INDEX_NAME AS name, GROUP_CONCAT(CONCAT('`', COLUMN_NAME, '`') ORDER BY SEQ_IN_INDEX) AS columns " +
      "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND NON_UNIQUE = 1 GROUP BY INDEX_NAME",
    [table],
  )) as unknown as [{ name: string; columns: string }[]];
  const dropped: { table: string; add: string }[] = [];
  for (const index of rows) {
    try {
      await db.query(`ALTER TABLE \`${table}\` DROP INDEX \`${index.name}\``);
      dropped.push({ table, add: `ADD INDEX \`${index.name}\` (${index.columns})` });
    } catch (error) {
      if ((error as { errno?: number }).errno !== 1553) throw error;
    }
  }
  return dropped;
}

/**
 * Runs from..to, oldest first, one a minute ending now. Statuses by CRC32, so they do not
 * line up with the submitter's or the pipeline's share (both by modulo).
 */
function runsInsert(from: number, to: number, submitterId: number): string {
  const live = HISTORY_RUNS - LIVE;
  const status = `CASE WHEN s.seq > ${live} THEN ELT(s.seq % 3 + 1, 'queued', 'running', 'held') WHEN CRC32(s.seq) % 20 = 0 THEN 'failed' WHEN CRC32(s.seq) % 50 = 1 THEN 'cancelled' ELSE 'succeeded' END`;
  const created = `NOW(3) - INTERVAL (${HISTORY_RUNS} - s.seq) MINUTE`;
  return `INSERT INTO runs (id, public_id, pipeline_id, pipeline_name, pipeline_version, user_id, name, labels, status, \`trigger\`, config, created_at, queued_at, started_at, finished_at)
SELECT s.seq, CONCAT('01bench', LPAD(LOWER(CONV(s.seq, 10, 32)), 19, '0')), p.id, p.name, p.version,
  IF(s.seq % 100 = 7, ${submitterId}, u.id),
  CONCAT('bulk-', s.seq), JSON_OBJECT('batch', CONCAT('b', s.seq DIV 1000)), ${status}, 'api', '{}',
  ${created}, ${created}, IF(s.seq > ${live}, NULL, ${created}), IF(s.seq > ${live}, NULL, ${created} + INTERVAL 30 SECOND)
FROM seq_${from}_to_${to} s
JOIN bench_pipelines p ON p.k = s.seq % 3
JOIN bench_users u ON u.k = s.seq DIV 7 % ${OTHERS.length + 1}`;
}

/**
 * The history database (`runport_bench_history` on TEST_DATABASE_SERVER), seeded unless its
 * marker matches; the seconds the seed took (0 when kept).
 */
export async function historyDatabase(): Promise<{ url: string; seedSeconds: number }> {
  const server = (process.env.TEST_DATABASE_SERVER ?? "mysql://root@127.0.0.1:3306").replace(
    /\/$/,
    "",
  );
  const url = `${server}/runport_bench_history`;
  const marker = markerOf();
  await ensureDatabase(url);
  const handle = createDatabase(url);
  try {
    if (await seeded(handle.db, marker)) return { url, seedSeconds: 0 };
  } finally {
    await handle.close();
  }
  console.log(`history: seeding ${HISTORY_RUNS.toLocaleString("en")} runs into ${url}`);
  const started = performance.now();
  await dropDatabase(url);
  await ensureDatabase(url);
  const fresh = createDatabase(url);
  try {
    await prepare(fresh.db);
  } finally {
    await fresh.close();
  }
  const connection = await createConnection({ uri: url });
  try {
    await seed(connection, marker);
  } finally {
    await connection.end();
  }
  return { url, seedSeconds: (performance.now() - started) / 1000 };
}
