import {
  bigint,
  customType,
  double,
  primaryKey,
  index,
  int,
  longtext,
  mysqlEnum,
  mysqlTable,
  text,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";
import { RUN_STATUSES, RUN_TRIGGERS } from "../../lib/run-status";
import { createdAt, foreignId, id, reference, jsonColumn, timestamp } from "./columns";
import { pipelines } from "./pipelines";
import { users } from "./users";

/** A warning kept with a run: a JSON Pointer into the config, and the cell for workbooks. */
export interface RunWarning {
  path: string;
  message: string;
  line?: number;
  column?: number;
  sheet?: string;
  cell?: string;
}

export const runs = mysqlTable(
  "runs",
  {
    id: id(),
    /** The id clients see: time-ordered, 26 characters of Crockford base32. */
    publicId: varchar("public_id", { length: 26 }).notNull(),
    pipelineId: reference("pipeline_id", () => pipelines.id),
    pipelineName: varchar("pipeline_name", { length: 64 }).notNull(),
    pipelineVersion: varchar("pipeline_version", { length: 64 }).notNull(),
    userId: reference("user_id", () => users.id),
    name: varchar("name", { length: 255 }),
    labels: jsonColumn<Record<string, string>>("labels").notNull(),
    status: mysqlEnum("status", RUN_STATUSES).notNull(),
    trigger: mysqlEnum("trigger", RUN_TRIGGERS).notNull(),
    /** The config text exactly as submitted: what the pipeline receives as config.json. */
    config: longtext("config").notNull(),
    /** What validation said without refusing (undeclared properties), as the 201 listed it. */
    warnings: jsonColumn<RunWarning[]>("warnings"),
    priority: int("priority").notNull().default(0),
    /** Attempts started so far (0 until a worker claims the run). */
    attempt: int("attempt").notNull().default(0),
    maxAttempts: int("max_attempts").notNull().default(1),
    exitCode: int("exit_code"),
    error: text("error"),
    progressPercent: double("progress_percent"),
    progressMessage: varchar("progress_message", { length: 500 }),
    logBytes: bigint("log_bytes", { mode: "number", unsigned: true }).notNull().default(0),
    idempotencyKey: varchar("idempotency_key", { length: 255 }),
    requestHash: varchar("request_hash", { length: 64 }),
    retryOfRunId: foreignId("retry_of_run_id"),
    /** The schedule whose fire made this run. */
    scheduleId: foreignId("schedule_id"),
    createdAt: createdAt(),
    queuedAt: timestamp("queued_at"),
    startedAt: timestamp("started_at"),
    finishedAt: timestamp("finished_at"),
    cancelRequestedAt: timestamp("cancel_requested_at"),
    updatedAt: timestamp("updated_at"),
  },
  (t) => [
    uniqueIndex("runs_public_id_unique").on(t.publicId),
    uniqueIndex("runs_idempotency_unique").on(t.userId, t.idempotencyKey),
    // The run list (server/runs/list-runs.ts) reads each filter, and each pair of the
    // status, pipeline and submitter filters, newest first from one of these: equality on
    // the leading columns, then id in order (docs/notes/run-history-scale.md).
    index("runs_status_idx").on(t.status, t.id),
    index("runs_user_idx").on(t.userId, t.id),
    index("runs_pipeline_idx").on(t.pipelineName, t.id),
    index("runs_pipeline_version_idx").on(t.pipelineName, t.pipelineVersion, t.id),
    index("runs_status_pipeline_idx").on(t.status, t.pipelineName, t.id),
    index("runs_user_status_idx").on(t.userId, t.status, t.id),
    index("runs_user_pipeline_idx").on(t.userId, t.pipelineName, t.id),
    // The list's text search: names that begin with q (the primary key rides along), among
    // everybody's runs or one submitter's.
    index("runs_name_idx").on(t.name),
    index("runs_user_name_idx").on(t.userId, t.name),
    // Row retention's oldest finished runs and the repair of recent hours' counts.
    index("runs_finished_idx").on(t.finishedAt),
  ],
);

/** Compared byte for byte: label keys are JSON object keys, so "Team" and "team" differ. */
const binaryVarchar = (length: number) =>
  customType<{ data: string }>({
    dataType: () => `varchar(${length}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  });

/**
 * A run's labels, one row each, written in the run's own transaction (create-run.ts):
 * what the list filters on. `runs.labels` keeps the same pairs as JSON for the views.
 */
export const runLabels = mysqlTable(
  "run_labels",
  {
    runId: reference("run_id", () => runs.id, "cascade"),
    key: binaryVarchar(63)("key").notNull(),
    value: binaryVarchar(255)("value").notNull(),
  },
  (t) => [
    primaryKey({ name: "run_labels_pk", columns: [t.runId, t.key] }),
    // key = ? AND value = ?, newest run first.
    index("run_labels_key_value_idx").on(t.key, t.value, t.runId),
  ],
);

/** One row per attempt: where and how the process ran. */
export const runAttempts = mysqlTable(
  "run_attempts",
  {
    id: id(),
    runId: reference("run_id", () => runs.id, "cascade"),
    attempt: int("attempt").notNull(),
    workerId: varchar("worker_id", { length: 128 }).notNull(),
    host: varchar("host", { length: 255 }).notNull(),
    pid: int("pid"),
    processGroup: int("process_group"),
    /** The Slurm job of an attempt of an `executor: "slurm"` pipeline (sbatch's id). */
    slurmJobId: varchar("slurm_job_id", { length: 32 }),
    workDir: varchar("work_dir", { length: 1024 }).notNull(),
    startedAt: timestamp("started_at").notNull(),
    finishedAt: timestamp("finished_at"),
    exitCode: int("exit_code"),
    signal: varchar("signal", { length: 16 }),
    outcome: mysqlEnum("outcome", RUN_STATUSES),
    error: text("error"),
  },
  (t) => [
    uniqueIndex("run_attempts_run_attempt_unique").on(t.runId, t.attempt),
    // The orphan search: this host's attempts whose process group is alive.
    index("run_attempts_host_group_idx").on(t.host, t.processGroup),
  ],
);

/** Every status transition of a run, in order. */
export const runEvents = mysqlTable(
  "run_events",
  {
    id: id(),
    runId: reference("run_id", () => runs.id, "cascade"),
    attempt: int("attempt").notNull().default(0),
    fromStatus: mysqlEnum("from_status", RUN_STATUSES),
    toStatus: mysqlEnum("to_status", RUN_STATUSES).notNull(),
    message: varchar("message", { length: 1000 }),
    actorUserId: foreignId("actor_user_id"),
    createdAt: createdAt(),
  },
  (t) => [index("run_events_run_idx").on(t.runId, t.id)],
);

/**
 * The run's log as ordered chunks. `offset` is the byte offset of the chunk in the
 * run's whole log (all attempts), so a reader resumes with `?cursor=<offset>`.
 */
export const runLogs = mysqlTable(
  "run_logs",
  {
    id: id(),
    runId: reference("run_id", () => runs.id, "cascade"),
    attempt: int("attempt").notNull(),
    offset: bigint("offset", { mode: "number", unsigned: true }).notNull(),
    length: int("length", { unsigned: true }).notNull(),
    stream: mysqlEnum("stream", ["stdout", "stderr", "system"]).notNull(),
    content: longtext("content").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("run_logs_run_offset_unique").on(t.runId, t.offset)],
);

export type RunRow = typeof runs.$inferSelect;
export type RunEventRow = typeof runEvents.$inferSelect;
export type RunAttemptRow = typeof runAttempts.$inferSelect;
