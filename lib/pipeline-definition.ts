import { z } from "zod";
import { UNKNOWN_PROPERTIES } from "./schema/unknown-properties";
import { ZNotifyStatuses } from "./notify-statuses";
import { ZReportSpec } from "./report-spec";
import { ZSlurmOptions } from "./slurm-options";

/** Pipeline names: lowercase words joined by - or _, safe in paths, URLs and Redis keys. */
export const PIPELINE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Versions: semver (1.2.0, 1.3.0-dev.1) or the bare word dev. */
export const PIPELINE_VERSION_PATTERN =
  /^(dev|(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]{1,40})?)$/;

/** Placeholders an argv element may contain; all are platform values, never config values. */
export const COMMAND_PLACEHOLDERS = [
  "{pipelineDir}",
  "{workDir}",
  "{configPath}",
  "{outputsDir}",
  "{runId}",
] as const;

const ZArgv = z
  .array(z.string().min(1).max(4096))
  .min(1)
  .max(100)
  .describe("argv array; argv[0] is the program, run without a shell");

/** Where a pipeline's runs execute: a child process of the worker, or a Slurm job. */
export const EXECUTORS = ["local", "slurm"] as const;

/**
 * `emailField`: a JSON Pointer to a config string holding addresses (one, or a
 * comma-separated list) that are mailed too; `statuses`: the ends mailed by default.
 */
const ZNotify = z.strictObject({
  emailField: z
    .string()
    .regex(/^(\/([^~/]|~[01])*)+$/, "a JSON Pointer such as /email")
    .max(200)
    .optional(),
  statuses: ZNotifyStatuses.optional(),
});

/** The file format of `pipeline.json` (schema and example may be inline or a relative file name). */
export const ZPipelineFile = z
  .strictObject({
    name: z.string().regex(PIPELINE_NAME_PATTERN, "lowercase letters, digits, - and _"),
    version: z.string().regex(PIPELINE_VERSION_PATTERN, "semver like 1.2.0 or 1.3.0-dev.1"),
    title: z.string().min(1).max(200),
    description: z.string().max(20_000).default(""),
    command: ZArgv,
    schema: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    example: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
    // At most 20 days: Node timers cannot wait longer than 24.8 days.
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(20 * 24 * 3600)
      .default(3600),
    /** Extra attempts after a platform error (`error`); a pipeline failure is never retried. */
    retries: z.number().int().min(0).max(10).default(0),
    executor: z.enum(EXECUTORS).default("local"),
    /** How Slurm jobs are submitted (lib/slurm-options.ts); only with `executor: "slurm"`. */
    slurm: ZSlurmOptions.optional(),
    /** Runs of this pipeline (all its versions) that may run at once across all workers. */
    maxConcurrency: z.number().int().min(1).max(100_000).optional(),
    /** Marks a version as a development version (also implied by a prerelease tag). */
    dev: z.boolean().optional(),
    /** Properties the schema does not declare (under additionalProperties: false): see check-config.ts. */
    unknownProperties: z.enum(UNKNOWN_PROPERTIES).default("warn"),
    /** Who hears of a run's end by e-mail besides the submitter (server/notifications/). */
    notify: ZNotify.optional(),
    /** The output that is the run's report, and charts over it (docs/PIPELINES.md). */
    report: ZReportSpec.optional(),
    /** Whether HTML outputs previewed on the run page may run their scripts (sandboxed). */
    previewScripts: z.boolean().default(false),
  })
  .refine((spec) => spec.slurm === undefined || spec.executor === "slurm", {
    path: ["slurm"],
    message: 'Slurm options need "executor": "slurm"',
  });
export type TPipelineFile = z.infer<typeof ZPipelineFile>;

/** What is stored in `pipelines.definition`: everything the worker needs to run it. */
export const ZPipelineDefinition = z.object({
  name: z.string(),
  version: z.string(),
  command: z.array(z.string()),
  timeoutSeconds: z.number(),
  retries: z.number(),
  executor: z.enum(EXECUTORS),
  /** Absent for local pipelines (and slurm ones that set nothing): the defaults. */
  slurm: ZSlurmOptions.optional(),
  maxConcurrency: z.number().optional(),
  /** Absent in rows stored before it existed: `warn`. */
  unknownProperties: z.enum(UNKNOWN_PROPERTIES).optional(),
  /** Absent: only the submitter, for the default statuses. */
  notify: ZNotify.optional(),
  /** Absent in rows stored before reports existed, and for pipelines without one. */
  report: ZReportSpec.optional(),
  previewScripts: z.boolean().optional(),
});
export type PipelineDefinition = z.infer<typeof ZPipelineDefinition>;
