// Issue 16 item 5: the database of the previous release, with runs in every state (queued
// ones waiting in BullMQ), migrated by the current code as a process does at start; then a
// worker starts. Every run, attempt, event, log chunk and stored output is as it was, the
// queued runs run to success exactly once, nothing is lost.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropDatabase, ensureDatabase } from "@/db/ensure-database";
import { migrateDatabase } from "@/db/migrate";
import { cutMigrations, folderReader, readJournal, readReleases } from "@/db/releases";
import type { AppContext } from "@/server/context";
import { loadPipelineDefinitions } from "@/server/pipelines/load-pipeline-definitions";
import { newRunId } from "@/lib/ids";
import { enqueueRun } from "@/server/queue/run-queue";
import { prepare } from "@/server/setup/prepare";
import { createTestContext } from "@/test/context";
import { PIPELINE_ROOTS } from "@/test/pipelines";
import { gitMigrationsReader } from "@/test/releases";
import { countersAndTruth } from "@/test/run-counters";
import { waitForStatus } from "@/test/runs";
import { startWorker, type WorkerHandle } from "@/worker/start-worker";

const migrations = path.resolve("db/migrations");
const releases = readReleases(migrations);
const previous = releases.at(-2)!;
const root = mkdtempSync(path.join(tmpdir(), "runport-upgrade-"));
const oldMigrations = path.join(root, "migrations");

let ctx: AppContext;
let sqlConnection: mysql.Connection;
let worker: WorkerHandle | undefined;

beforeAll(async () => {
  // A database of its own below this file's (global teardown drops it with the file's).
  const databaseUrl = `${process.env.DATABASE_URL}_upgrade`;
  await ensureDatabase(databaseUrl);
  ctx = createTestContext({
    databaseUrl,
    runsDir: path.join(root, "runs"),
    pipelinesPath: PIPELINE_ROOTS,
    migrationsDir: migrations,
  });
  sqlConnection = await mysql.createConnection({ uri: databaseUrl, dateStrings: true });
});

afterAll(async () => {
  await worker?.stop();
  await ctx.queue.obliterate({ force: true });
  await sqlConnection.end();
  await ctx.close();
  await dropDatabase(ctx.config.databaseUrl);
  rmSync(root, { recursive: true, force: true });
});

async function query<T = Record<string, unknown>>(statement: string, params: unknown[] = []) {
  const [rows] = await sqlConnection.query(statement, params);
  return rows as T[];
}

/** Inserts a row with raw SQL (the previous release's columns) and returns its id. */
async function insert(table: string, row: Record<string, unknown>): Promise<number> {
  const columns = Object.keys(row);
  const [result] = await sqlConnection.query<mysql.ResultSetHeader>(
    `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(", ")}) VALUES (?)`,
    [columns.map((c) => row[c])],
  );
  return result.insertId;
}

/** Everything an upgrade must keep, read with raw SQL, keyed by table. */
async function contents() {
  return {
    users: await query("SELECT * FROM users ORDER BY id"),
    pipelines: await query("SELECT id, name, version FROM pipelines ORDER BY id"),
    runs: await query("SELECT * FROM runs ORDER BY id"),
    run_labels: await query("SELECT * FROM run_labels ORDER BY run_id, `key`"),
    run_attempts: await query("SELECT * FROM run_attempts ORDER BY id"),
    run_events: await query("SELECT * FROM run_events ORDER BY id"),
    run_logs: await query("SELECT * FROM run_logs ORDER BY id"),
    run_outputs: await query("SELECT * FROM run_outputs ORDER BY id"),
    run_output_chunks: await query(
      "SELECT id, output_id, seq, HEX(data) AS data FROM run_output_chunks ORDER BY id",
    ),
  };
}
type Contents = Awaited<ReturnType<typeof contents>>;

const T0 = "2026-12-01 10:00:00.000";
const T1 = "2026-12-01 10:00:05.000";
const T2 = "2026-12-01 10:01:00.000";
const TERMINAL = ["succeeded", "failed", "error", "cancelled"] as const;
const STATUSES = ["held", "running", "cancelling", ...TERMINAL] as const;

/**
 * The previous release's data, as its code wrote it: a run in every status (a running and a
 * cancelling one with their attempt on a host that is gone, the finished ones with a log and
 * a stored output), the counters it kept, and three queued runs with their BullMQ jobs.
 */
async function seedPreviousRelease(): Promise<{ queued: string[]; kept: string[] }> {
  const userId = await insert("users", {
    username: "upgrade-alice",
    role: "submitter",
    password_hash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
    created_at: T0,
  });
  const hello = loadPipelineDefinitions(PIPELINE_ROOTS).pipelines.find((p) => p.name === "hello")!;
  const pipelineId = await insert("pipelines", {
    name: hello.name,
    version: hello.version,
    title: hello.title,
    description: hello.description,
    is_dev: hello.isDev,
    schema: JSON.stringify(hello.schema),
    example: JSON.stringify(hello.example),
    definition: JSON.stringify(hello.definition),
    definition_hash: hello.hash,
    timeout_seconds: hello.definition.timeoutSeconds,
    max_attempts: hello.definition.retries + 1,
    created_at: T0,
  });
  let n = 0;
  const addRun = async (status: string, extra: Record<string, unknown> = {}) => {
    n += 1;
    const publicId = newRunId(Date.parse(`${T0}Z`) + n);
    const labels = n % 2 === 0 ? { project: `p${n}` } : {};
    const id = await insert("runs", {
      public_id: publicId,
      pipeline_id: pipelineId,
      pipeline_name: hello.name,
      pipeline_version: hello.version,
      user_id: userId,
      name: `upgrade ${status} ${n}`,
      labels: JSON.stringify(labels),
      status,
      trigger: "api",
      config: JSON.stringify({ name: `upgrade-${n}`, steps: 1 }),
      priority: n,
      max_attempts: 2,
      created_at: T0,
      queued_at: T0,
      ...extra,
    });
    for (const [key, value] of Object.entries(labels))
      await insert("run_labels", { run_id: id, key, value });
    await insert("run_events", {
      run_id: id,
      to_status: status === "held" ? "held" : "queued",
      message: "submitted by upgrade-alice",
      actor_user_id: userId,
      created_at: T0,
    });
    await query(
      "INSERT INTO run_counts (status, shard, n) VALUES (?, 0, 1) ON DUPLICATE KEY UPDATE n = n + 1",
      [status],
    );
    return { id, publicId };
  };

  const kept: string[] = [];
  for (const status of STATUSES) {
    const started = status !== "held";
    const finished = (TERMINAL as readonly string[]).includes(status);
    const { id, publicId } = await addRun(status, {
      ...(started ? { attempt: 1, started_at: T1, log_bytes: 24 } : {}),
      ...(finished ? { finished_at: T2, exit_code: status === "succeeded" ? 0 : 3 } : {}),
      ...(status === "cancelling" ? { cancel_requested_at: T2 } : {}),
    });
    kept.push(publicId);
    if (!started) continue;
    await insert("run_events", {
      run_id: id,
      attempt: 1,
      from_status: "queued",
      to_status: "running",
      message: "claimed by old-host-gone-1",
      created_at: T1,
    });
    await insert("run_attempts", {
      run_id: id,
      attempt: 1,
      worker_id: "old-host-gone-1",
      host: "old-host-gone",
      pid: 4242,
      process_group: 4242,
      work_dir: `/srv/runport/runs/${publicId}/1`,
      started_at: T1,
      ...(finished ? { finished_at: T2, exit_code: 0, outcome: status } : {}),
    });
    await insert("run_logs", {
      run_id: id,
      attempt: 1,
      offset: 0,
      length: 24,
      stream: "stdout",
      content: `line of ${publicId.slice(0, 8)} ü\n`.padEnd(23, ".") + "\n",
      created_at: T1,
    });
    if (!finished) continue;
    if (status === "cancelling") continue;
    await insert("run_events", {
      run_id: id,
      attempt: 1,
      from_status: "running",
      to_status: status,
      message: `finished: ${status}`,
      created_at: T2,
    });
    await query(
      "INSERT INTO run_hourly (hour, status, n) VALUES ('2026-12-01 10:00:00', ?, 1) ON DUPLICATE KEY UPDATE n = n + 1",
      [status],
    );
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7 + n) & 0xff));
    const outputId = await insert("run_outputs", {
      run_id: id,
      attempt: 1,
      path: "greeting.bin",
      size: data.length,
      sha256: "0".repeat(64),
      stored: true,
      created_at: T2,
    });
    await insert("run_output_chunks", { output_id: outputId, seq: 0, data });
  }

  const queued: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { publicId } = await addRun("queued");
    await enqueueRun(ctx.queue, { runId: publicId, attempt: 1, priority: n });
    queued.push(publicId);
  }
  return { queued, kept };
}

describe("upgrade from the previous release", () => {
  it("migrates its database with runs queued, keeps every row, and runs each queued run once", async () => {
    // The release's own files from git (the digest test proves today's copies are the same).
    const fromGit = previous.commit ? gitMigrationsReader(previous.commit) : null;
    const cut = cutMigrations(fromGit ?? migrations, previous.lastMigration, oldMigrations);
    const snapshotFile = `meta/${previous.lastMigration.slice(0, 4)}_snapshot.json`;
    const snapshot = JSON.parse(
      (fromGit ?? folderReader(migrations))(snapshotFile).toString("utf8"),
    ) as { tables: Record<string, unknown> };
    await migrateDatabase(ctx.db, oldMigrations);
    // That schema indeed: the tables of its last snapshot, no later ones.
    const tables = (
      await query<{ t: string }>(
        "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()",
      )
    ).map((r) => r.t);
    expect(tables.sort()).toEqual([...Object.keys(snapshot.tables), "__drizzle_migrations"].sort());
    expect(await query("SELECT COUNT(*) AS n FROM __drizzle_migrations")).toEqual([
      { n: cut.length },
    ]);

    const { queued, kept } = await seedPreviousRelease();
    const before = await contents();
    expect(await ctx.queue.getJobCounts("prioritized", "waiting")).toEqual({
      prioritized: 3,
      waiting: 0,
    });

    // The new version's first start: migrations (under the named lock), pipelines registered.
    const started = Date.now();
    const pipelines = await prepare(ctx);
    const migrateMs = Date.now() - started;
    const all = readJournal(migrations).entries.length;
    expect(await query("SELECT COUNT(*) AS n FROM __drizzle_migrations")).toEqual([{ n: all }]);
    // Only rows added: the pipelines found on disk that the previous release had not seen.
    const migrated = await contents();
    expect({
      ...migrated,
      pipelines: migrated.pipelines.slice(0, before.pipelines.length),
    }).toEqual(before);

    worker = startWorker(ctx, pipelines);
    for (const id of queued) await waitForStatus(ctx, id, ["succeeded"], 40_000);
    const after = await contents();

    // The rows that were there are there unchanged; only the queued runs moved on.
    const keep = <K extends keyof Contents>(table: K, rows: Contents[K]) =>
      expect({ table, rows: after[table].slice(0, rows.length) }).toEqual({ table, rows });
    for (const table of Object.keys(before) as (keyof Contents)[]) {
      if (table === "runs") continue;
      keep(table, before[table]);
    }
    const byPublicId = (rows: Record<string, unknown>[]) =>
      new Map(rows.map((r) => [r.public_id as string, r]));
    const [runsBefore, runsAfter] = [byPublicId(before.runs), byPublicId(after.runs)];
    expect(after.runs).toHaveLength(before.runs.length);
    for (const id of kept) expect(runsAfter.get(id)).toEqual(runsBefore.get(id));

    // Each queued run: one attempt, one claim, its own log and outputs, in its own words.
    for (const id of queued) {
      const run = runsAfter.get(id)!;
      expect({ status: run.status, attempt: run.attempt }).toEqual({
        status: "succeeded",
        attempt: 1,
      });
      const runId = run.id as number;
      expect(after.run_attempts.filter((a) => a.run_id === runId)).toHaveLength(1);
      const events = after.run_events.filter((e) => e.run_id === runId).map((e) => e.to_status);
      expect(events).toEqual(["queued", "running", "succeeded"]);
      const log = after.run_logs
        .filter((l) => l.run_id === runId)
        .map((l) => l.content)
        .join("");
      const config = JSON.parse(String(runsBefore.get(id)!.config)) as { name: string };
      expect(log.split(`Hello, ${config.name}!`)).toHaveLength(2);
      const outputs = after.run_outputs.filter((o) => o.run_id === runId).map((o) => o.path);
      expect(outputs).toEqual(expect.arrayContaining(["greeting.txt", "summary.json"]));
    }
    // Nothing left in the queue, and the counters the previous release kept still add up.
    expect(await ctx.queue.getJobCounts("prioritized", "waiting", "active", "delayed")).toEqual({
      prioritized: 0,
      waiting: 0,
      active: 0,
      delayed: 0,
    });
    const { counts, runs, hourly, finished } = await countersAndTruth(ctx);
    expect(counts).toEqual(runs);
    expect(hourly).toEqual(finished);
    console.log(
      `upgrade ${previous.release} (${fromGit ? previous.commit : "current folder"}) → ${releases.at(-1)!.release}: migrations and start ${migrateMs} ms`,
    );
  });
});
