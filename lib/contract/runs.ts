/** The runs part of the HTTP contract: what clients send and what they get back. */
import { z } from "zod";
import { RUN_STATUSES, RUN_TRIGGERS } from "../run-status";
import { zDateTime, zFlag } from "./common";
import { ZProblemItem } from "./problem";

/** GA4GH WES state names, in the order of RUN_STATUSES. */
export const WES_STATES = [
  "QUEUED",
  "PAUSED",
  "RUNNING",
  "CANCELING",
  "COMPLETE",
  "EXECUTOR_ERROR",
  "SYSTEM_ERROR",
  "CANCELED",
] as const;

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,62}$/;

const ZLabels = z
  .record(z.string().regex(LABEL_KEY, "label keys: letters, digits, _ . / -"), z.string().max(255))
  .refine((labels) => Object.keys(labels).length <= 50, "at most 50 labels")
  // JSON Schema cannot read the refine: the document says the same limit in its own words.
  .meta({
    maxProperties: 50,
    description: "At most 50; keys: letters, digits, _ . / - (up to 63)",
  });

/** Body of `POST /api/v1/runs`. Unknown keys are errors (a typo like "lables" must not pass). */
/** The highest run priority (operators and admins). */
export const MAX_PRIORITY = 100;
/**
 * The highest priority a submitter may set: enough to order their own work, not enough to
 * jump ahead of everyone's queue (the rest of the range is for operators and admins).
 */
export const SUBMITTER_MAX_PRIORITY = 10;

export const ZCreateRunRequest = z
  .strictObject({
    pipeline: z
      .string()
      .min(1)
      .max(200)
      .meta({
        description: "name, name@latest, name@dev or name@1.2.0",
        examples: ["hello@1.0.0"],
      }),
    config: z.record(z.string(), z.unknown()).meta({
      description: "The run's config; validated against the pipeline version's JSON Schema",
    }),
    name: z.string().max(255).nullish(),
    labels: ZLabels.optional(),
    hold: z
      .boolean()
      .optional()
      .meta({ description: "Store as `held`: it waits for a release instead of running" }),
    priority: z
      .number()
      .int()
      .min(0)
      .max(MAX_PRIORITY)
      .optional()
      .meta({
        description: `Higher runs sooner (default 0). Submitters may set up to ${SUBMITTER_MAX_PRIORITY}, operators and admins up to ${MAX_PRIORITY}: 422 above the caller's bound`,
      }),
  })
  .meta({
    examples: [
      {
        pipeline: "hello@1.0.0",
        name: "first run",
        labels: { team: "qc" },
        config: { name: "world" },
      },
    ],
  });

/**
 * Body of `POST /api/v1/new-run/` (the old portal's contract): the body is the config
 * itself, names its pipeline in `pipeline` and its run name in `project`.
 */
export const ZLegacyRunRequest = z
  .looseObject({
    pipeline: z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? "is required: the pipeline as name@version"
            : "must be a string like name@1.2.0",
      })
      .min(1)
      .max(200)
      .meta({ examples: ["fastq-qc@1.0.0"] }),
    // Everything else, `project` included, is the pipeline schema's to judge.
  })
  .meta({
    description:
      "The old portal's body: the config itself. `pipeline` names the pipeline (name@version); `project` becomes the run's name. Everything is validated against the pipeline's schema.",
  });

const ZLabelFilter = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,62}:.{0,255}$/, "must look like key:value");

/** q may match the start of at most this many run names; more is a 400 (type more). */
export const RUN_TEXT_MATCH_CAP = 1_000;

/** Query of `GET /api/v1/runs`; status and label may repeat. */
export const ZListRunsQuery = z.object({
  status: z
    .array(z.enum(RUN_STATUSES))
    .default([])
    .meta({ description: "Repeatable, or comma-separated" }),
  pipeline: z.string().max(200).optional().meta({ description: "name or name@version" }),
  user: z.string().max(64).optional().meta({ description: "Submitter's username" }),
  label: z.array(ZLabelFilter).default([]).meta({ description: "key:value, repeatable" }),
  q: z
    .string()
    .max(200)
    .optional()
    .meta({
      description: `Runs whose name begins with q (case-insensitive), or whose id is q. 400 when more than ${RUN_TEXT_MATCH_CAP.toLocaleString("en")} run names begin with q: type more of the name. Words inside a name are not searched (that would read every run); use \`pipeline\` for the pipeline`,
    }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(40).optional().meta({ description: "nextCursor of the previous page" }),
});
export type TListRunsQuery = z.infer<typeof ZListRunsQuery>;

/** Query of `GET /api/v1/runs/{id}/logs`. */
export const ZLogQuery = z.object({
  cursor: z.coerce.number().int().min(0).default(0),
  limit: z.coerce
    .number()
    .int()
    .min(1024)
    .max(8 * 1024 * 1024)
    .optional()
    .meta({ description: "Page size in bytes (default 1 MiB)" }),
  download: zFlag("The whole log as a file (Content-Disposition: attachment)"),
});

export const ZRunEventView = z.object({
  at: zDateTime(),
  attempt: z.number().int(),
  from: z.enum(RUN_STATUSES).nullable(),
  to: z.enum(RUN_STATUSES),
  message: z.string().nullable(),
});
export type RunEventView = z.infer<typeof ZRunEventView>;

export const ZRunAttemptView = z.object({
  attempt: z.number().int(),
  host: z.string(),
  pid: z.number().int().nullable(),
  startedAt: zDateTime(),
  finishedAt: zDateTime().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  outcome: z.enum(RUN_STATUSES).nullable(),
  error: z.string().nullable(),
});
export type RunAttemptView = z.infer<typeof ZRunAttemptView>;

/** A run as the API returns it. Lists omit config, events and attempts. */
export const ZRunView = z.object({
  id: z.string().meta({ examples: ["01m87ckxvcds6fp772khzjgxz4"] }),
  pipeline: z.string().meta({ examples: ["fastq-qc@1.0.0"] }),
  pipelineName: z.string(),
  pipelineVersion: z.string(),
  name: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  status: z.enum(RUN_STATUSES),
  state: z.enum(WES_STATES).meta({ description: "GA4GH WES state" }),
  trigger: z.enum(RUN_TRIGGERS),
  submitter: z.string(),
  priority: z.number().int(),
  attempt: z.number().int().meta({ description: "Attempts started so far" }),
  maxAttempts: z.number().int(),
  progress: z.object({ percent: z.number().nullable(), message: z.string().nullable() }).nullable(),
  exitCode: z.number().int().nullable(),
  error: z.string().nullable().meta({ description: "Why the run failed or errored" }),
  warnings: z.array(ZProblemItem).meta({
    description:
      "What validation found without refusing the config (properties its schema does not declare, under the pipeline's unknownProperties: warn): JSON Pointers into the submitted document, with line and column, or sheet and cell",
  }),
  logBytes: z.number().int(),
  retryOf: z.string().nullable(),
  createdAt: zDateTime(),
  queuedAt: zDateTime().nullable(),
  startedAt: zDateTime().nullable(),
  finishedAt: zDateTime().nullable(),
  links: z.object({ self: z.string(), logs: z.string(), cancel: z.string(), web: z.string() }),
  config: z
    .unknown()
    .optional()
    .meta({ description: "Only in GET /runs/{id}: the config as submitted" }),
  events: z
    .array(ZRunEventView)
    .optional()
    .meta({ description: "Only in GET /runs/{id}: every status transition" }),
  attempts: z
    .array(ZRunAttemptView)
    .optional()
    .meta({ description: "Only in GET /runs/{id}: where each attempt ran and how it ended" }),
  listVersions: z
    .array(
      z.object({
        list: z.string(),
        versionId: z.number().int(),
        count: z.number().int().nullable().meta({ description: "null once the version is pruned" }),
        createdAt: zDateTime().nullable(),
      }),
    )
    .optional()
    .meta({
      description:
        "Only in GET /runs/{id}: the reference list versions (`x-runport-list`) the config was validated against",
    }),
});
export type RunView = z.infer<typeof ZRunView>;

/** The run list counts at most this many matches (a bounded read), then says "more than". */
export const RUN_TOTAL_CAP = 10_000;
const cap = RUN_TOTAL_CAP.toLocaleString("en");

/** A page of `GET /api/v1/runs`. */
export const ZRunList = z.object({
  items: z.array(ZRunView),
  nextCursor: z.string().nullable(),
  total: z
    .number()
    .int()
    .meta({
      description: `Runs matching the filters, counted up to ${cap}: when more match, ${cap} and totalIsLowerBound true`,
    }),
  totalIsLowerBound: z.boolean().meta({
    description: `True when more runs match than \`total\` says (the count stops at ${cap})`,
  }),
});
export type RunList = z.infer<typeof ZRunList>;

/** `?dryRun=true`: what the submission became; nothing was stored. */
export const ZDryRunResult = z.object({
  valid: z.literal(true),
  pipeline: z.string().meta({ examples: ["hello@1.0.0"] }),
  config: z.unknown(),
  warnings: z
    .array(ZProblemItem)
    .meta({ description: "What the run would be stored with as warnings (see the run's)" }),
});

export const ZCancelResult = z.object({ status: z.enum(["cancelled", "cancelling"]) });
export const ZReleaseResult = z.object({ status: z.literal("queued") });
