import { z } from "zod";
import { LIST_KEYWORD, listAtPath } from "./schema/list-keyword";

/** Slurm account, QOS and partition names (Slurm allows more; these are safe everywhere). */
const SLURM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const ZSlurmName = z.string().regex(SLURM_NAME, "letters, digits, _ . - (at most 64)");
/** A top-level property of the run's config (the old portal's `hpcAccount`). */
const ZConfigProperty = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "a top-level config property name");
const MAX_MINUTES = 20 * 24 * 60;

/**
 * sbatch options a pipeline may add as-is (`--flag` or `--flag=value`). Options that
 * decide where output goes, which user or environment the job gets, or what it runs
 * (--output, --uid, --export, --wrap, ...) are set by Runport or refused.
 */
export const SBATCH_EXTRA_ALLOWED = [
  "--exclusive",
  "--constraint",
  "--nodes",
  "--ntasks",
  "--ntasks-per-node",
  "--mem-per-cpu",
  "--reservation",
  "--licenses",
  "--nice",
  "--hint",
  "--tmp",
  "--comment",
  // No --requeue: every job gets --no-requeue (slurm-executor.ts); a requeued job runs twice.
  "--no-requeue",
] as const;

const ZExtraArgument = z
  .string()
  .regex(/^--[a-z-]+(=[A-Za-z0-9_.,:=+@-]{1,200})?$/, "--flag or --flag=value")
  .refine(
    (arg) => (SBATCH_EXTRA_ALLOWED as readonly string[]).includes(arg.split("=")[0]!),
    `not an allowed sbatch option (allowed: ${SBATCH_EXTRA_ALLOWED.join(", ")})`,
  );

const ZNamed = z.strictObject({
  property: ZConfigProperty,
  /** When given, the only values a run may choose. */
  allowed: z.array(ZSlurmName).min(1).max(100).optional(),
});
const ZCounted = (max: number) =>
  z.strictObject({
    property: ZConfigProperty,
    /** The most a run may ask for. */
    max: z.number().int().min(1).max(max),
  });

/** Which options a run's config may set, from which of its properties, within which limits. */
const ZRunOptions = z.strictObject({
  account: ZNamed.optional(),
  qos: ZNamed.optional(),
  /** A partition must come from a list: each has its own limits and nodes. */
  partition: z
    .strictObject({ property: ZConfigProperty, allowed: z.array(ZSlurmName).min(1).max(100) })
    .optional(),
  timeLimitMinutes: ZCounted(MAX_MINUTES).optional(),
  cpus: ZCounted(4096).optional(),
  memoryMb: ZCounted(16 * 1024 * 1024).optional(),
});

/** `slurm` in pipeline.json: how the jobs of an `executor: "slurm"` pipeline are submitted. */
export const ZSlurmOptions = z.strictObject({
  partition: ZSlurmName.optional(),
  /** --time; without it, the pipeline's timeoutSeconds rounded up to minutes. */
  timeLimitMinutes: z.number().int().min(1).max(MAX_MINUTES).optional(),
  cpus: z.number().int().min(1).max(4096).optional(),
  memoryMb: z
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024)
    .optional(),
  gres: z
    .string()
    .regex(/^[A-Za-z0-9_:.,=-]{1,200}$/, "a --gres value like gpu:1")
    .optional(),
  account: ZSlurmName.optional(),
  qos: ZSlurmName.optional(),
  extraArguments: z.array(ZExtraArgument).max(20).default([]),
  runOptions: ZRunOptions.default({}),
});
export type SlurmOptions = z.infer<typeof ZSlurmOptions>;
export type SlurmRunOptions = SlurmOptions["runOptions"];

/**
 * Why the pipeline lets a run charge any Slurm account or QOS, or null. sbatch runs as the
 * worker's user, so Slurm itself does not stop a submitter from naming another lab's
 * account: `runOptions.account`/`qos` need `allowed`, or a schema property tied to a
 * reference list (`x-runport-list`, e.g. a per-user hpc-accounts), checked at submission.
 */
export function unboundedChargeOption(
  options: SlurmOptions,
  schema: Record<string, unknown>,
): string | null {
  for (const key of ["account", "qos"] as const) {
    const rule = options.runOptions[key];
    if (!rule || rule.allowed || listAtPath(schema, [rule.property]) !== null) continue;
    return (
      `slurm.runOptions.${key}: a run could charge any ${key}: give "allowed", or tie the ` +
      `schema's property "${rule.property}" to a list with "${LIST_KEYWORD}"`
    );
  }
  return null;
}

/** The options of one job: the pipeline's, with what the run's config may set applied. */
export interface SlurmJobOptions {
  partition?: string;
  timeLimitMinutes: number;
  cpus?: number;
  memoryMb?: number;
  gres?: string;
  account?: string;
  qos?: string;
  extraArguments: string[];
}

export interface SlurmOptionProblem {
  /** JSON Pointer into the config. */
  path: string;
  message: string;
}

const pointer = (property: string) => `/${property}`;

function namedValue(
  rule: z.infer<typeof ZNamed> | undefined,
  config: Record<string, unknown>,
  problems: SlurmOptionProblem[],
): string | undefined {
  if (!rule || !(rule.property in config)) return undefined;
  const value = config[rule.property];
  if (typeof value !== "string" || !SLURM_NAME.test(value)) {
    problems.push({
      path: pointer(rule.property),
      message: "must be a Slurm name: letters, digits, _ . - (at most 64)",
    });
    return undefined;
  }
  if (rule.allowed && !rule.allowed.includes(value)) {
    problems.push({
      path: pointer(rule.property),
      message: `must be one of ${rule.allowed.join(", ")}`,
    });
    return undefined;
  }
  return value;
}

function countedValue(
  rule: { property: string; max: number } | undefined,
  config: Record<string, unknown>,
  problems: SlurmOptionProblem[],
): number | undefined {
  if (!rule || !(rule.property in config)) return undefined;
  const value = config[rule.property];
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > rule.max) {
    problems.push({
      path: pointer(rule.property),
      message: `must be a whole number from 1 to ${rule.max}`,
    });
    return undefined;
  }
  return value;
}

/**
 * The job options of a run: the pipeline's Slurm options, overridden by the config
 * properties its `runOptions` name, each checked against its limit. Problems carry JSON
 * Pointers into the config (a 422 at submission; the worker checks again before sbatch).
 */
export function resolveSlurmJobOptions(
  options: SlurmOptions,
  timeoutSeconds: number,
  config: Record<string, unknown>,
): { job: SlurmJobOptions; problems: SlurmOptionProblem[] } {
  const problems: SlurmOptionProblem[] = [];
  const rules = options.runOptions;
  const set = {
    account: namedValue(rules.account, config, problems),
    qos: namedValue(rules.qos, config, problems),
    partition: namedValue(rules.partition, config, problems),
    timeLimitMinutes: countedValue(rules.timeLimitMinutes, config, problems),
    cpus: countedValue(rules.cpus, config, problems),
    memoryMb: countedValue(rules.memoryMb, config, problems),
  };
  const pick = <T>(fromRun: T | undefined, fromPipeline: T | undefined) =>
    fromRun !== undefined
      ? { value: fromRun }
      : fromPipeline !== undefined
        ? { value: fromPipeline }
        : null;
  const job: SlurmJobOptions = {
    timeLimitMinutes:
      set.timeLimitMinutes ?? options.timeLimitMinutes ?? Math.ceil(timeoutSeconds / 60),
    extraArguments: options.extraArguments,
  };
  for (const key of ["account", "qos", "partition", "gres"] as const) {
    const chosen = pick(key === "gres" ? undefined : set[key], options[key]);
    if (chosen) job[key] = chosen.value;
  }
  for (const key of ["cpus", "memoryMb"] as const) {
    const chosen = pick(set[key], options[key]);
    if (chosen) job[key] = chosen.value;
  }
  return { job, problems };
}

/** The sbatch arguments for a job's options (argv elements, never a shell string). */
export function sbatchOptionArguments(job: SlurmJobOptions): string[] {
  const args = [`--time=${job.timeLimitMinutes}`];
  if (job.partition) args.push(`--partition=${job.partition}`);
  if (job.cpus) args.push(`--cpus-per-task=${job.cpus}`);
  if (job.memoryMb) args.push(`--mem=${job.memoryMb}M`);
  if (job.gres) args.push(`--gres=${job.gres}`);
  if (job.account) args.push(`--account=${job.account}`);
  if (job.qos) args.push(`--qos=${job.qos}`);
  return [...args, ...job.extraArguments];
}
