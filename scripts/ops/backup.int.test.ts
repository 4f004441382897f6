// Issue 16 item 5: a backup taken by `npm run backup` restores every run, its log, events
// and outputs, and the runs folder; a damaged backup or a database in use is refused.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import fs from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { asc, sql } from "drizzle-orm";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEvents, runLogs, runOutputChunks, runOutputs, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { submit, waitForStatus } from "@/test/runs";
import { startWorker, type WorkerHandle } from "@/worker/start-worker";
import { createBackup, restoreBackup } from "./backup";

let ctx: AppContext;
let worker: WorkerHandle;
let alice: TestUser;
const root = mkdtempSync(path.join(tmpdir(), "runport-backup-"));
const runsDir = path.join(root, "runs");
const restoredRunsDir = path.join(root, "restored-runs");

beforeAll(async () => {
  ctx = createTestContext({ runsDir });
  const pipelines = await registerPipelines(ctx);
  alice = await createTestUser(ctx);
  worker = startWorker(ctx, pipelines);
});

afterAll(async () => {
  await worker.stop();
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(root, { recursive: true, force: true });
});

/** What a restore must bring back: runs, events, logs, outputs and their content. */
async function contentOf(databaseUrl: string) {
  const other = createTestContext({ databaseUrl });
  try {
    const digest = (rows: unknown[]) =>
      createHash("sha256").update(JSON.stringify(rows)).digest("hex");
    return {
      runs: await other.db.select().from(runs).orderBy(asc(runs.id)),
      events: digest(await other.db.select().from(runEvents).orderBy(asc(runEvents.id))),
      logs: digest(await other.db.select().from(runLogs).orderBy(asc(runLogs.id))),
      outputs: await other.db.select().from(runOutputs).orderBy(asc(runOutputs.id)),
      chunks: digest(
        await other.db
          .select({ id: runOutputChunks.id, data: sql<string>`HEX(${runOutputChunks.data})` })
          .from(runOutputChunks)
          .orderBy(asc(runOutputChunks.id)),
      ),
    };
  } finally {
    await other.close();
  }
}

async function databaseExists(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const connection = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM information_schema.schemata WHERE schema_name = ?",
      [url.pathname.slice(1)],
    );
    return Number(rows[0]!.n) > 0;
  } finally {
    await connection.end();
  }
}

/** Every file of a folder with its content's hash. */
async function filesOf(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = createHash("sha256").update(readFileSync(file)).digest("hex");
  }
  return files;
}

describe("backup and restore", () => {
  it("brings back every run, event, log line, output and work file, checked against the manifest", async () => {
    const ids = [
      await submit(ctx, alice.principal, "outputs-probe", { largeBytes: 300_000 }),
      await submit(ctx, alice.principal, "hello", { name: "backed up" }),
    ];
    for (const id of ids) await waitForStatus(ctx, id, ["succeeded"], 30_000);
    const out = path.join(root, "backup-1");
    const manifest = await createBackup({ databaseUrl: ctx.config.databaseUrl, runsDir }, out);
    expect(manifest.changedDuringBackup).toEqual([]);
    expect(manifest.tables.runs?.rows).toBe(2);
    expect(manifest.tables.run_output_chunks?.rows).toBeGreaterThan(0);
    expect((await fs.stat(path.join(out, "manifest.json"))).mode & 0o777).toBe(0o600);

    const restoredUrl = `${ctx.config.databaseUrl}_restored`;
    const result = await restoreBackup({ databaseUrl: restoredUrl, runsDir: restoredRunsDir }, out);
    expect(result.unchecked).toEqual([]);
    expect(result.tables).toBe(Object.keys(manifest.tables).length);
    const [before, after] = [await contentOf(ctx.config.databaseUrl), await contentOf(restoredUrl)];
    expect(after).toEqual(before);
    expect(after.runs.map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
    expect(await filesOf(restoredRunsDir)).toEqual(await filesOf(runsDir));

    // Restoring over it again is refused and leaves it as it is.
    await expect(
      restoreBackup({ databaseUrl: restoredUrl, runsDir: restoredRunsDir }, out),
    ).rejects.toThrow(/is not empty: restore into an empty one, or pass --force/);
    expect(await contentOf(restoredUrl)).toEqual(before);
    // So is a used runs folder, before any database is created.
    await expect(
      restoreBackup({ databaseUrl: `${restoredUrl}_again`, runsDir: restoredRunsDir }, out),
    ).rejects.toThrow(/runs folder .* is not empty/);
    expect(await databaseExists(`${restoredUrl}_again`)).toBe(false);
  });

  it("refuses a damaged backup before touching anything", async () => {
    const out = path.join(root, "backup-2");
    await createBackup({ databaseUrl: ctx.config.databaseUrl, runsDir }, out);
    const dump = path.join(out, "database.sql.gz");
    const bytes = readFileSync(dump);
    const middle = bytes.length >> 1;
    bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle);
    writeFileSync(dump, bytes);
    const target = `${ctx.config.databaseUrl}_damaged`;
    await expect(
      restoreBackup({ databaseUrl: target, runsDir: path.join(root, "damaged-runs") }, out),
    ).rejects.toThrow("database.sql.gz in");
    expect(await databaseExists(target)).toBe(false);
  });
});
