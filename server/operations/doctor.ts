import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import type { Config } from "../env";
import { ZWorkerHeartbeat, WORKER_HEARTBEAT_TTL_SECONDS } from "../health/heartbeats";
import { loadPipelineDefinitions } from "../pipelines/load-pipeline-definitions";
import { redisKeys } from "../redis";

/**
 * `npm run doctor` and the operations page's "Deployment checks": what is wrong with this
 * deployment, found with connections of its own (each check has a time limit, so a
 * stopped or frozen server is a failed check, not a hang).
 */
export type CheckStatus = "ok" | "warn" | "fail";

export interface DoctorCheck {
  /** What was checked: database, migrations, redis, pipelines, runs folder, ... */
  name: string;
  status: CheckStatus;
  /** One sentence: what was found, and for warn/fail what to do. */
  summary: string;
}

const TIME_LIMIT_MS = 3000;
/** Clocks further apart than this make heartbeats, leases and schedules misjudge time. */
const SKEW_WARN_MS = 2000;
/** Less free space than this in the runs folder is a warning. */
const FREE_WARN_BYTES = 1024 ** 3;

/** statfs f_type of shared filesystems (linux/magic.h and the filesystems' own sources). */
const SHARED_FILESYSTEMS: Record<number, string> = {
  0x6969: "NFS",
  0x0bd00bd0: "Lustre",
  0x47504653: "GPFS",
  0x19830326: "BeeGFS",
  0xff534d42: "CIFS",
  0xfe534d42: "SMB2",
  0x00c36400: "CephFS",
  0x65735546: "FUSE",
};

type Check = () => Promise<Omit<DoctorCheck, "name">>;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${TIME_LIMIT_MS / 1000} s`)),
      TIME_LIMIT_MS,
    );
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

const bytes = (n: number) =>
  n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(n / 1024 ** 2)} MiB`;

/** Runs a program (argv, no shell) with a time limit; its stdout, or the reason it failed. */
function runProgram(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: TIME_LIMIT_MS, env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

export async function runDoctor(config: Config): Promise<DoctorCheck[]> {
  const url = new URL(config.databaseUrl);
  let db: mysql.Connection | null = null;
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: TIME_LIMIT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: true,
  });
  redis.on("error", () => undefined);
  // Connects while the database is checked: a frozen MySQL and Redis cost one time limit.
  const redisReady = within(redis.connect(), "Redis");
  redisReady.catch(() => undefined);
  const keys = redisKeys(config.redisPrefix);
  const loaded = loadPipelineDefinitions(config.pipelinesPath);
  const slurmPipelines = loaded.pipelines.filter((p) => p.definition.executor === "slurm");

  const checks: [string, Check][] = [
    [
      "database",
      async () => {
        const name = decodeURIComponent(url.pathname.slice(1));
        const connecting = mysql.createConnection({
          host: url.hostname,
          port: Number(url.port || 3306),
          user: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
          database: name,
          connectTimeout: TIME_LIMIT_MS,
        });
        db = await within(connecting, "MySQL").catch((error: unknown) => {
          // A connection that arrives after the time limit is closed when it does.
          void connecting.then((late) => late.end()).catch(() => undefined);
          if ((error as { code?: string }).code === "ER_BAD_DB_ERROR")
            throw new Error(
              `the server answers, but has no database ${name}: \`npm run setup:db\` (or the first start) creates it`,
            );
          throw error;
        });
        const [[row]] = await within(
          db.query<mysql.RowDataPacket[]>("SELECT VERSION() AS version"),
          "MySQL",
        );
        return {
          status: "ok",
          summary: `${String(row!.version)} at ${url.host}${url.pathname} answers`,
        };
      },
    ],
    [
      "migrations",
      async () => {
        if (!db) return { status: "fail", summary: "not checked: the database does not answer" };
        const journal = path.join(config.migrationsDir, "meta", "_journal.json");
        if (!existsSync(journal))
          return { status: "fail", summary: `${journal} is missing (MIGRATIONS_DIR)` };
        const committed = (JSON.parse(readFileSync(journal, "utf8")) as { entries: unknown[] })
          .entries.length;
        const applied = await within(
          db
            .query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM __drizzle_migrations")
            .then(([[r]]) => Number(r!.n))
            .catch(() => 0),
          "MySQL",
        );
        if (applied === committed)
          return { status: "ok", summary: `${applied} of ${committed} applied` };
        if (applied < committed)
          return {
            status: "warn",
            summary: `${applied} of ${committed} applied: the next start of a process applies the rest`,
          };
        return {
          status: "fail",
          summary: `${applied} applied but this code has only ${committed}: the database is of a newer Runport`,
        };
      },
    ],
    [
      "redis",
      async () => {
        await redisReady;
        const info = await within(redis.info("server"), "Redis");
        const version = /redis_version:(\S+)/.exec(info)?.[1] ?? "?";
        const [, policy] = (await within(redis.config("GET", "maxmemory-policy"), "Redis").catch(
          () => [null, null],
        )) as [unknown, string | null];
        if (policy && policy !== "noeviction")
          return {
            status: "warn",
            summary: `Redis ${version} evicts keys (maxmemory-policy ${policy}): queued jobs and locks may vanish; set noeviction`,
          };
        return {
          status: "ok",
          summary: `Redis ${version} at ${new URL(config.redisUrl).host} answers`,
        };
      },
    ],
    [
      "pipelines",
      () => {
        const count = loaded.pipelines.length;
        if (loaded.problems.length > 0)
          return Promise.resolve({
            status: "fail",
            summary: `${loaded.problems.length} pipeline definition(s) cannot be used: ${loaded.problems
              .slice(0, 3)
              .map((p) => `${p.file}: ${p.message}`)
              .join("; ")}`,
          });
        if (count === 0)
          return Promise.resolve({
            status: "warn",
            summary: `no pipeline found in ${config.pipelinesPath.join(":")} (PIPELINES_PATH)`,
          });
        return Promise.resolve({
          status: "ok",
          summary: `${count} pipeline version(s) in ${config.pipelinesPath.join(":")}`,
        });
      },
    ],
    [
      "runs folder",
      async () => {
        const dir = config.runsDir;
        if (!existsSync(dir))
          return {
            status: "warn",
            summary: `${dir} does not exist yet (RUNS_DIR): the worker creates it at its first start`,
          };
        const probe = path.join(dir, `.doctor-${randomBytes(6).toString("hex")}`);
        await fs.writeFile(probe, "probe");
        await fs.rm(probe);
        const stats = await fs.statfs(dir);
        const free = Number(stats.bavail) * Number(stats.bsize);
        const shared = SHARED_FILESYSTEMS[Number(stats.type)];
        const problems: string[] = [];
        if (free < FREE_WARN_BYTES) problems.push(`only ${bytes(free)} free`);
        if (slurmPipelines.length > 0 && !shared)
          problems.push(
            `not on a shared filesystem, but ${slurmPipelines.length} pipeline(s) run on Slurm: compute nodes must see the same folder`,
          );
        const described = `${dir} is writable, ${bytes(free)} free${shared ? `, on ${shared}` : ""}`;
        return problems.length > 0
          ? { status: "warn", summary: `${described}; ${problems.join("; ")}` }
          : { status: "ok", summary: described };
      },
    ],
    [
      "public address",
      () => {
        if (!config.publicUrl)
          return Promise.resolve({
            status: "warn",
            summary:
              "PUBLIC_URL is not set: links in notifications and the API document use the request's address",
          });
        const publicUrl = new URL(config.publicUrl);
        const local = ["localhost", "127.0.0.1", "[::1]"].includes(publicUrl.hostname);
        if (publicUrl.protocol !== "https:" && !local)
          return Promise.resolve({
            status: "warn",
            summary: `${config.publicUrl} is not https: passwords and session cookies cross the network in clear; put Runport behind TLS (docs/OPERATIONS.md, nginx)`,
          });
        if (publicUrl.protocol === "https:" && !config.trustProxy)
          return Promise.resolve({
            status: "warn",
            summary: `${config.publicUrl} is https but TRUST_PROXY is off: behind a TLS proxy, set TRUST_PROXY=1 so cookies are marked Secure and client addresses are right`,
          });
        return Promise.resolve({ status: "ok", summary: `${config.publicUrl}` });
      },
    ],
    [
      "slurm",
      async () => {
        if (slurmPipelines.length === 0)
          return { status: "ok", summary: "no pipeline runs on Slurm" };
        const env = {
          ...process.env,
          ...(config.slurm.conf ? { SLURM_CONF: config.slurm.conf } : {}),
        };
        const version = (await runProgram("sbatch", ["--version"], env)).trim();
        await runProgram("squeue", ["--noheader", "--format=%i", "--me"], env);
        return {
          status: "ok",
          summary: `${version}; squeue answers (${slurmPipelines.length} pipeline(s) on Slurm)`,
        };
      },
    ],
    [
      "clocks",
      async () => {
        if (redis.status !== "ready")
          return { status: "fail", summary: "not checked: Redis does not answer" };
        const skews: string[] = [];
        let worst = 0;
        const [seconds, micros] = await within(redis.time(), "Redis");
        const redisNow = Number(seconds) * 1000 + Number(micros) / 1000;
        const local = Date.now() - redisNow;
        worst = Math.max(worst, Math.abs(local));
        skews.push(`this process ${signed(local)}`);
        if (db) {
          const [[row]] = await within(
            db.query<mysql.RowDataPacket[]>("SELECT UNIX_TIMESTAMP(NOW(3)) * 1000 AS now"),
            "MySQL",
          );
          const mysqlSkew = Number(row!.now) - redisNow;
          worst = Math.max(worst, Math.abs(mysqlSkew));
          skews.push(`MySQL ${signed(mysqlSkew)}`);
        }
        // A worker's heartbeat says its clock at writing; Redis's TTL says when that was.
        const ids = await within(
          redis.zrangebyscore(keys.workerIndex, Date.now(), "+inf"),
          "Redis",
        );
        for (const id of ids.slice(0, 50)) {
          const [[, value], [, ttl]] = (await redis
            .multi()
            .get(keys.worker(id))
            .pttl(keys.worker(id))
            .exec()) as [[unknown, string | null], [unknown, number]];
          const beat = value ? ZWorkerHeartbeat.safeParse(JSON.parse(value)) : null;
          if (!beat?.success || ttl < 0) continue;
          const writtenAt = redisNow - (WORKER_HEARTBEAT_TTL_SECONDS * 1000 - ttl);
          const skew = Date.parse(beat.data.at) - writtenAt;
          worst = Math.max(worst, Math.abs(skew));
          skews.push(`worker ${beat.data.id} ${signed(skew)}`);
        }
        const summary = `against Redis's clock: ${skews.join(", ")}`;
        return worst > SKEW_WARN_MS
          ? {
              status: "warn",
              summary: `${summary}: clocks more than ${SKEW_WARN_MS / 1000} s apart misjudge heartbeats and schedules; run NTP (chrony) on every machine`,
            }
          : { status: "ok", summary };
      },
    ],
  ];

  const results: DoctorCheck[] = [];
  try {
    for (const [name, check] of checks) {
      const result = await check().catch((error: unknown) => ({
        status: "fail" as const,
        summary: message(error),
      }));
      results.push({ name, ...result });
    }
  } finally {
    await (db as mysql.Connection | null)?.end().catch(() => undefined);
    redis.disconnect();
  }
  return results;
}

function signed(ms: number): string {
  const rounded = Math.round(ms);
  return `${rounded >= 0 ? "+" : ""}${rounded} ms`;
}

/** The checks as lines for a terminal: status, name, summary. */
export function formatDoctor(checks: readonly DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  return checks
    .map(
      (c) =>
        `${c.status === "fail" ? "FAIL" : c.status.padEnd(4)}  ${c.name.padEnd(width)}  ${c.summary}`,
    )
    .join("\n");
}
