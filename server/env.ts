import { availableParallelism } from "node:os";
import path from "node:path";
import { z } from "zod";

/**
 * The one place that reads process.env. Every process (web, worker, beat, CLI)
 * calls `loadConfig()` once at boot; tests build a Config from their own values.
 */
const byteCount = (min: number, fallback: number) =>
  z.coerce.number().int().min(min).default(fallback);

export const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^mysql:\/\//, "must be a mysql:// URL")
    .default("mysql://root@127.0.0.1:3306/runport"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL")
    .default("redis://127.0.0.1:6379"),
  /** Namespace of every Redis key, so that several installations (or tests) share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .default("runport"),
  /** Secret for session cookies and the HMAC of cached credentials. */
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -hex 32)"),
  PUBLIC_URL: z.string().url().optional(),
  /**
   * Set when Runport sits behind a reverse proxy (nginx) that sets X-Forwarded-For and
   * X-Forwarded-Proto: the client's address and scheme are then taken from those headers
   * (the last hop the proxy appended). Unset, they are ignored: anyone can send them.
   */
  TRUST_PROXY: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  /**
   * The system user pipelines run as (the worker must be root to switch to it). Unset: the
   * worker's own user; `npm run up` creates `runport-run` and sets it when run as root.
   */
  RUN_AS_USER: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a system user name")
    .optional(),
  PIPELINES_PATH: z.string().default("./pipelines"),
  RUNS_DIR: z.string().default("./.data/runs"),
  MIGRATIONS_DIR: z.string().default("./db/migrations"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Largest accepted request body (JSON or workbook). */
  MAX_BODY_BYTES: byteCount(1024, 10 * 1024 * 1024),
  /** Largest stored log of one run; the rest is dropped with a notice. */
  MAX_LOG_BYTES: byteCount(1024, 512 * 1024 * 1024),
  /**
   * Worker threads of the web process for CPU-heavy requests (large workbooks, CSVs and
   * JSON submissions), so they do not hold its event loop (server/cpu/). Default: the
   * cores but one, 1 to 2 (0 in development); 0 reads everything on the event loop.
   */
  CPU_POOL_SIZE: z.coerce.number().int().min(0).max(64).optional(),
  /** Large requests that may wait for a CPU thread; one more is a 503 with Retry-After. */
  CPU_POOL_QUEUE: z.coerce.number().int().min(0).max(10000).default(16),
  /** Seconds one large request may take on a CPU thread before it is stopped (422). */
  CPU_TASK_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** How long a verified Basic credential stays cached in memory. */
  AUTH_CACHE_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  /**
   * How long the web waits for MySQL per statement (a connection and the answer) before
   * the request answers 503 + Retry-After: a stopped, stalled or frozen server never holds
   * a request or a sign-in longer. Submissions keep their own 1.2 s.
   */
  DB_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(1500),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(2),
  WORKER_ID: z.string().max(100).optional(),
  /** Seconds between SIGTERM and SIGKILL when a run is cancelled or times out. */
  CANCEL_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(10),
  /** Seconds a stopping worker waits for its runs before handing them back. */
  WORKER_DRAIN_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  /** Slurm's own variable: the slurm.conf the Slurm commands read (their default when unset). */
  SLURM_CONF: z.string().min(1).optional(),
  /** How often the worker asks Slurm about all its jobs (one squeue call each time). */
  SLURM_POLL_SECONDS: z.coerce.number().min(0.1).max(600).default(5),
  /** How long a job may be gone from Slurm with no exit-code file before it is lost (error). */
  SLURM_LOST_AFTER_SECONDS: z.coerce.number().min(0).max(86_400).default(300),
  /** Extra directories (colon-separated) pipelines may read input data from. */
  DATA_ROOTS: z.string().default(""),
  /** Hosts (comma-separated, `host` or `host:port`) reference lists may be fetched from. */
  LIST_URL_HOSTS: z.string().default(""),
  /** Programs (comma-separated, as argv[0] names them) a reference list's command may run. */
  LIST_COMMANDS: z.string().default("sacctmgr"),
  /** Folders (colon-separated) reference lists may read files from, besides DATA_ROOTS. */
  LIST_FILE_ROOTS: z.string().default("./lists"),
  /** Largest source (file, answer, command output) of one reference list refresh. */
  LIST_SOURCE_MAX_BYTES: byteCount(1024, 32 * 1024 * 1024),
  /** Seconds a list's URL or command may take before the refresh fails. */
  LIST_SOURCE_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /**
   * The SMTP server end-of-run mail goes through (smtp://user:pass@host:587, smtps://host:465);
   * unset: no e-mail notifications (the operations page says so).
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL")
    .optional(),
  /** The From of end-of-run mail. */
  SMTP_FROM: z.string().min(3).max(200).default("Runport <runport@localhost>"),
  /** More run ends of one user than this within a minute are mailed as one digest. */
  MAIL_DIGEST_RUNS: z.coerce.number().int().min(1).max(1000).default(5),
  BEAT_INTERVAL_SECONDS: z.coerce.number().min(1).max(3600).default(10),
  /** An event of a type no rule names: `reject` answers 404; `accept` stores it, 202, no runs. */
  EVENTS_UNKNOWN_TYPE: z.enum(["reject", "accept"]).default("reject"),
  /** Webhook hosts (comma-separated, `host` or `host:port`) allowed even on private addresses. */
  WEBHOOK_ALLOWED_HOSTS: z.string().default(""),
  /** Seconds between a webhook delivery's attempts (Standard Webhooks' schedule), ±20 % jitter. */
  WEBHOOK_RETRY_SECONDS: z
    .string()
    .regex(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, "must be seconds, comma-separated")
    .default("5,300,1800,7200,18000,36000,36000"),
  /** Seconds a webhook target may take to answer (connect + response headers). */
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(120).default(15),
  /** An output file up to this size is kept in MySQL, downloadable through the API. */
  OUTPUT_STORE_MAX_BYTES: byteCount(0, 16 * 1024 * 1024),
  /** At most this much output content is kept per attempt (beyond it: metadata only). */
  OUTPUT_STORE_RUN_MAX_BYTES: byteCount(0, 64 * 1024 * 1024),
  /** Days after which finished runs' logs, outputs and working directories are removed (0: never). */
  RETENTION_DAYS: z.coerce.number().min(0).max(36500).default(30),
  /**
   * Days after which finished runs are deleted with their events, attempts, logs and
   * outputs by the beat (0, the default: run rows are kept for ever).
   */
  RUN_ROW_RETENTION_DAYS: z.coerce.number().min(0).max(36500).default(0),
  /** Days after which audit events are removed by the beat (0: kept for ever). */
  AUDIT_RETENTION_DAYS: z.coerce.number().min(0).max(36500).default(0),
  /** Days after which events (and their outcomes) are removed by the beat (0: kept for ever). */
  EVENT_RETENTION_DAYS: z.coerce.number().min(0).max(36500).default(0),
  /**
   * Runs of one submitter that may run at once across all workers (0: no limit), unless
   * the user has a limit of their own; operators and admins have no default quota. Without
   * one, a single submitter's batch takes every slot of every worker.
   */
  USER_MAX_RUNNING: z.coerce.number().int().min(0).max(100000).default(8),
  /** The first admin, created when no admin exists (password generated and printed if unset). */
  ADMIN_USERNAME: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/)
    .default("admin"),
  ADMIN_PASSWORD: z.string().min(10).optional(),
  // Passed on to pipeline processes; nothing else of the worker's environment is.
  PATH: z.string().default("/usr/local/bin:/usr/bin:/bin"),
  HOME: z.string().optional(),
  LANG: z.string().optional(),
  TZ: z.string().optional(),
  TMPDIR: z.string().optional(),
});

export type TEnv = z.infer<typeof ZEnv>;

/** What the processes run with: the environment, checked, with paths resolved. */
export type Config = ReturnType<typeof loadConfig>;

function splitPaths(value: string): string[] {
  return value
    .split(":")
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => path.resolve(p));
}

export class ConfigError extends Error {}

/** Parses and checks an environment; throws one readable error listing every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env) {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  return {
    nodeEnv: env.NODE_ENV,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    authSecret: env.AUTH_SECRET,
    publicUrl: env.PUBLIC_URL,
    trustProxy: env.TRUST_PROXY,
    runAsUser: env.RUN_AS_USER,
    pipelinesPath: splitPaths(env.PIPELINES_PATH),
    runsDir: path.resolve(env.RUNS_DIR),
    migrationsDir: path.resolve(env.MIGRATIONS_DIR),
    logLevel: env.LOG_LEVEL,
    maxBodyBytes: env.MAX_BODY_BYTES,
    maxLogBytes: env.MAX_LOG_BYTES,
    authCacheSeconds: env.AUTH_CACHE_SECONDS,
    dbRequestTimeoutMs: env.DB_REQUEST_TIMEOUT_MS,
    // Not in development: `next dev` would run the thread bundle of the last build.
    cpuPoolSize:
      env.CPU_POOL_SIZE ??
      (env.NODE_ENV === "development" ? 0 : Math.max(1, Math.min(2, availableParallelism() - 1))),
    cpuPoolQueue: env.CPU_POOL_QUEUE,
    cpuTaskSeconds: env.CPU_TASK_SECONDS,
    workerConcurrency: env.WORKER_CONCURRENCY,
    workerId: env.WORKER_ID,
    cancelGraceSeconds: env.CANCEL_GRACE_SECONDS,
    workerDrainSeconds: env.WORKER_DRAIN_SECONDS,
    slurm: {
      conf: env.SLURM_CONF,
      pollMs: env.SLURM_POLL_SECONDS * 1000,
      lostAfterMs: env.SLURM_LOST_AFTER_SECONDS * 1000,
    },
    dataRoots: splitPaths(env.DATA_ROOTS),
    listUrlHosts: env.LIST_URL_HOSTS.split(",")
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h.length > 0),
    listCommands: env.LIST_COMMANDS.split(",")
      .map((c) => c.trim())
      .filter((c) => c.length > 0),
    listFileRoots: splitPaths(env.LIST_FILE_ROOTS),
    listSourceMaxBytes: env.LIST_SOURCE_MAX_BYTES,
    listSourceTimeoutMs: env.LIST_SOURCE_TIMEOUT_SECONDS * 1000,
    mail: {
      smtpUrl: env.SMTP_URL,
      from: env.SMTP_FROM,
      digestRuns: env.MAIL_DIGEST_RUNS,
      digestWindowMs: 60_000,
    },
    beatIntervalSeconds: env.BEAT_INTERVAL_SECONDS,
    eventsUnknownType: env.EVENTS_UNKNOWN_TYPE,
    webhooks: {
      allowedHosts: env.WEBHOOK_ALLOWED_HOSTS.split(",")
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h.length > 0),
      retryMs: env.WEBHOOK_RETRY_SECONDS.split(",").map((s) => Number(s.trim()) * 1000),
      timeoutMs: env.WEBHOOK_TIMEOUT_SECONDS * 1000,
    },
    outputStoreMaxBytes: env.OUTPUT_STORE_MAX_BYTES,
    outputStoreRunMaxBytes: env.OUTPUT_STORE_RUN_MAX_BYTES,
    retentionDays: env.RETENTION_DAYS,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    eventRetentionDays: env.EVENT_RETENTION_DAYS,
    runRowRetentionDays: env.RUN_ROW_RETENTION_DAYS,
    userMaxRunning: env.USER_MAX_RUNNING,
    adminUsername: env.ADMIN_USERNAME,
    adminPassword: env.ADMIN_PASSWORD,
    /** The only environment a pipeline inherits (besides its RUNPORT_* variables). */
    childEnv: Object.fromEntries(
      (["PATH", "HOME", "LANG", "TZ", "TMPDIR", "SLURM_CONF"] as const).flatMap((k) => {
        const value = env[k];
        return value === undefined ? [] : [[k, value] as const];
      }),
    ),
  };
}
