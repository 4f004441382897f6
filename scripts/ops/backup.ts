import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import mysql from "mysql2/promise";
import { findProgram } from "./programs";

/**
 * `npm run backup` and `npm run restore`: the database as a dump taken in one transaction
 * (mysqldump --single-transaction: a consistent picture while the portal runs), the runs
 * folder as a tar file, and a manifest with each file's SHA-256 and each table's row count
 * and CHECKSUM TABLE, which a restore checks its result against. Redis is not backed up:
 * it holds nothing MySQL lacks (the beat re-enqueues queued runs after a restore).
 */

export interface BackupTarget {
  /** mysql://user:password@host:port/database */
  databaseUrl: string;
  runsDir: string;
}

interface TableFacts {
  rows: number;
  checksum: string;
}

export interface BackupManifest {
  format: "runport-backup-1";
  createdAt: string;
  database: string;
  /** The last migration applied (drizzle's __drizzle_migrations), null when none. */
  migration: string | null;
  files: Record<string, { bytes: number; sha256: string }>;
  /** Each table's rows and checksum, the same before and after the dump. */
  tables: Record<string, TableFacts>;
  /** Tables written to while the dump ran: their content in the dump is not checked. */
  changedDuringBackup: string[];
}

const DUMP = "database.sql.gz";
const RUNS = "runs.tar.gz";
const MANIFEST = "manifest.json";

function connectionOf(databaseUrl: string) {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!/^[\w$]+$/.test(database))
    throw new Error(`The database name in DATABASE_URL is not a plain name: ${database}`);
  return {
    host: url.hostname || "127.0.0.1",
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || "root"),
    password: decodeURIComponent(url.password),
    database,
  };
}

/** The client programs' connection arguments; the password goes in MYSQL_PWD, not argv. */
function clientArgs(c: ReturnType<typeof connectionOf>) {
  return {
    args: [`--host=${c.host}`, `--port=${c.port}`, `--user=${c.user}`, "--protocol=tcp"],
    env: { ...process.env, MYSQL_PWD: c.password },
  };
}

function program(...names: string[]): string {
  const found = findProgram(...names);
  if (!found)
    throw new Error(`${names[0]} is not installed (Debian/Ubuntu: apt-get install mariadb-client)`);
  return found;
}

/** Runs `command` with stdio wired to streams; rejects with its stderr when it fails. */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  io: {
    /** Exit codes that are not a failure besides 0 (tar: 1, files changed as it read them). */
    alsoOk?: number[];
    /** Feeds the program's stdin (then ends it). */
    stdin?: (sink: Writable) => Promise<void>;
    /** Takes the program's stdout to its end. */
    stdout?: (source: Readable) => Promise<void>;
  },
): Promise<void> {
  const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 || (code !== null && io.alsoOk?.includes(code))
        ? resolve()
        : reject(new Error(`${path.basename(command)} failed (${code}): ${stderr.trim()}`)),
    );
  });
  const piping = [
    io.stdin ? io.stdin(child.stdin) : (child.stdin.end(), Promise.resolve()),
    io.stdout ? io.stdout(child.stdout) : (child.stdout.resume(), Promise.resolve()),
  ];
  return Promise.all([done, ...piping]).then(() => undefined);
}

async function sha256(file: string) {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return { bytes: (await fs.stat(file)).size, sha256: hash.digest("hex") };
}

/** Row count and CHECKSUM TABLE of every table of the database, by name. */
async function tableFacts(databaseUrl: string): Promise<Record<string, TableFacts>> {
  const c = connectionOf(databaseUrl);
  const db = await mysql.createConnection({ ...c, multipleStatements: false });
  try {
    const [tables] = await db.query<mysql.RowDataPacket[]>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name",
      [c.database],
    );
    const facts: Record<string, TableFacts> = {};
    for (const { name } of tables as { name: string }[]) {
      const quoted = `\`${name.replace(/`/g, "``")}\``;
      const [[count]] = await db.query<mysql.RowDataPacket[]>(
        `SELECT COUNT(*) AS n FROM ${quoted}`,
      );
      const [[sum]] = await db.query<mysql.RowDataPacket[]>(`CHECKSUM TABLE ${quoted}`);
      facts[name] = { rows: Number(count!.n), checksum: String(sum!.Checksum) };
    }
    return facts;
  } finally {
    await db.end();
  }
}

async function lastMigration(databaseUrl: string): Promise<string | null> {
  const db = await mysql.createConnection(connectionOf(databaseUrl));
  try {
    const [rows] = await db.query<mysql.RowDataPacket[]>(
      "SELECT hash FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1",
    );
    return (rows[0]?.hash as string | undefined) ?? null;
  } catch {
    return null;
  } finally {
    await db.end();
  }
}

/** Writes a backup into `out` (created; must not exist) and returns its manifest. */
export async function createBackup(target: BackupTarget, out: string): Promise<BackupManifest> {
  const c = connectionOf(target.databaseUrl);
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.mkdir(out); // fails if it exists: a backup is never written over another
  const { args, env } = clientArgs(c);
  // The facts before and after the dump: a table that did not change meanwhile is in the
  // dump exactly as they say, and the restore checks it. (With the intake paused and no run
  // running, that is every table.)
  const before = await tableFacts(target.databaseUrl);
  await run(
    program("mariadb-dump", "mysqldump"),
    [
      ...args,
      "--single-transaction",
      "--quick",
      "--routines",
      "--triggers",
      "--hex-blob",
      "--default-character-set=utf8mb4",
      "--skip-comments",
      "--",
      c.database,
    ],
    env,
    {
      stdout: (source) =>
        pipeline(source, createGzip(), createWriteStream(path.join(out, DUMP), { mode: 0o600 })),
    },
  );
  await fs.mkdir(target.runsDir, { recursive: true });
  await run(
    program("tar"),
    [
      "--create",
      "--gzip",
      // Runs write into their folders while the portal works: a file that grew or went
      // while tar read it is taken as it was (GNU tar then exits 1, not 2).
      "--warning=no-file-changed",
      "--ignore-failed-read",
      `--file=${path.join(out, RUNS)}`,
      `--directory=${target.runsDir}`,
      ".",
    ],
    process.env,
    { alsoOk: [1] },
  );
  await fs.chmod(path.join(out, RUNS), 0o600);
  const after = await tableFacts(target.databaseUrl);
  const changed = Object.keys({ ...before, ...after }).filter(
    (name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]),
  );
  const tables = Object.fromEntries(
    Object.entries(before).filter(([name]) => !changed.includes(name)),
  );
  const manifest: BackupManifest = {
    format: "runport-backup-1",
    createdAt: new Date().toISOString(),
    database: c.database,
    migration: await lastMigration(target.databaseUrl),
    files: {
      [DUMP]: await sha256(path.join(out, DUMP)),
      [RUNS]: await sha256(path.join(out, RUNS)),
    },
    tables,
    changedDuringBackup: changed,
  };
  await fs.writeFile(path.join(out, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, {
    mode: 0o600,
  });
  return manifest;
}

async function readManifest(from: string): Promise<BackupManifest> {
  const manifest = JSON.parse(
    await fs.readFile(path.join(from, MANIFEST), "utf8"),
  ) as BackupManifest;
  if (manifest.format !== "runport-backup-1")
    throw new Error(`${from} is not a Runport backup (manifest format ${String(manifest.format)})`);
  const names = Object.keys(manifest.files ?? {}).sort();
  if (names.join(",") !== [DUMP, RUNS].sort().join(","))
    throw new Error(
      `${from} is not a Runport backup: its manifest lists ${names.join(", ") || "no files"}`,
    );
  for (const [name, expected] of Object.entries(manifest.files)) {
    const actual = await sha256(path.join(from, name));
    if (actual.sha256 !== expected.sha256)
      throw new Error(`${name} in ${from} is damaged: its SHA-256 differs from the manifest's`);
  }
  return manifest;
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
}

export interface RestoreResult {
  tables: number;
  rows: number;
  /** Tables that changed while the backup was taken: restored, not checked. */
  unchecked: string[];
}

/**
 * Restores a backup into an empty database and runs folder (`force` replaces what is
 * there), then checks every table's row count and checksum against the manifest.
 * The portal's processes must be stopped meanwhile.
 */
export async function restoreBackup(
  target: BackupTarget,
  from: string,
  options: { force?: boolean } = {},
): Promise<RestoreResult> {
  const manifest = await readManifest(from);
  const c = connectionOf(target.databaseUrl);
  // Both checks before anything changes.
  const runsDirUsed = !(await isEmptyDir(target.runsDir));
  if (runsDirUsed && !options.force)
    throw new Error(
      `The runs folder ${target.runsDir} is not empty: restore into an empty one, or pass --force to replace it`,
    );
  const admin = await mysql.createConnection({ ...c, database: undefined });
  try {
    const [existing] = await admin.query<mysql.RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ?",
      [c.database],
    );
    if (Number(existing[0]!.n) > 0) {
      if (!options.force)
        throw new Error(
          `The database ${c.database} is not empty: restore into an empty one, or pass --force to replace it`,
        );
      await admin.query(`DROP DATABASE \`${c.database}\``);
    }
    await admin.query(
      `CREATE DATABASE IF NOT EXISTS \`${c.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await admin.end();
  }
  if (runsDirUsed) await fs.rm(target.runsDir, { recursive: true, force: true });
  const { args, env } = clientArgs(c);
  await run(
    program("mariadb", "mysql"),
    [...args, "--default-character-set=utf8mb4", `--database=${c.database}`],
    env,
    { stdin: (sink) => pipeline(createReadStream(path.join(from, DUMP)), createGunzip(), sink) },
  );
  await fs.mkdir(target.runsDir, { recursive: true });
  await run(
    program("tar"),
    ["--extract", "--gzip", `--file=${path.join(from, RUNS)}`, `--directory=${target.runsDir}`],
    process.env,
    {},
  );
  const restored = await tableFacts(target.databaseUrl);
  const wrong = Object.entries(manifest.tables).filter(
    ([name, facts]) =>
      restored[name]?.rows !== facts.rows || restored[name]?.checksum !== facts.checksum,
  );
  if (wrong.length > 0)
    throw new Error(
      `The restored database differs from the backup in ${wrong.map(([n]) => n).join(", ")} (rows or checksum)`,
    );
  return {
    tables: Object.keys(restored).length,
    rows: Object.values(restored).reduce((sum, t) => sum + t.rows, 0),
    unchecked: manifest.changedDuringBackup,
  };
}
