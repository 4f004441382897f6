import { createHash } from "node:crypto";
import { z } from "zod";
import {
  locatePointer,
  parseJson,
  parseJsonTree,
  sourceOfProperty,
  toPointer,
} from "@/lib/json/parse-json";
import { canSubmit } from "@/lib/roles";
import type { RunTrigger } from "@/lib/run-status";
import { validateWith } from "@/lib/schema/validate-config";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError, type ProblemItem } from "../errors";
import { getConfigValidator } from "../pipelines/get-config-validator";
import { resolvePipeline } from "../pipelines/resolve-pipeline";
import { createRun } from "./create-run";
import type { RunRow } from "@/db/schema";

const ZLabels = z
  .record(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,62}$/, "label keys: letters, digits, _ . / -"),
    z.string().max(255),
  )
  .refine((labels) => Object.keys(labels).length <= 50, "at most 50 labels");

/** Body of `POST /api/v1/runs`. */
export const ZCreateRunRequest = z.object({
  pipeline: z.string().min(1).max(200),
  config: z.record(z.string(), z.unknown()),
  name: z.string().max(255).nullish(),
  labels: ZLabels.optional(),
  hold: z.boolean().optional(),
  priority: z.number().int().min(0).max(100).optional(),
});
export type TCreateRunRequest = z.infer<typeof ZCreateRunRequest>;

/**
 * Body of `POST /api/v1/new-run/` (the old portal's contract): the body is the config
 * itself, names its pipeline in `pipeline` and its run name in `project`.
 */
export const ZLegacyRunRequest = z.looseObject({
  pipeline: z.string({ error: "is required: the pipeline as name@version" }).min(1).max(200),
  project: z.string().max(255).optional(),
});

export interface SubmitRunOptions {
  principal: Principal;
  /** The request body as received. */
  bodyText: string;
  /** `runs` = {pipeline, config, ...}; `legacy` = the body is the config. */
  format: "runs" | "legacy";
  trigger: RunTrigger;
  dryRun: boolean;
  idempotencyKey?: string;
}

export type SubmitRunResult =
  | { kind: "created" | "replayed"; run: RunRow }
  | { kind: "dry-run"; pipeline: string; config: unknown };

function withPositions(
  text: string,
  problems: (ProblemItem & { atKey?: boolean })[],
): ProblemItem[] {
  const tree = parseJsonTree(text);
  if (!tree) return problems;
  return problems
    .map(({ atKey, ...p }) => {
      const at = locatePointer(text, tree, p.path, { key: atKey ?? false });
      return { ...p, line: at.line, column: at.column };
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

function zodProblems(error: z.ZodError, text: string): ProblemItem[] {
  return withPositions(
    text,
    error.issues.map((issue) => ({
      path: toPointer(issue.path.map((s) => (typeof s === "symbol" ? String(s) : s))),
      message: issue.message,
    })),
  );
}

/** The envelope of either format, reduced to what createRun needs. */
function readEnvelope(options: SubmitRunOptions, body: unknown) {
  if (options.format === "legacy") {
    const parsed = ZLegacyRunRequest.safeParse(body);
    if (!parsed.success || typeof body !== "object" || body === null || Array.isArray(body)) {
      const errors = parsed.success
        ? [{ path: "", message: "must be a JSON object" }]
        : zodProblems(parsed.error, options.bodyText);
      throw new AppError("VALIDATION_FAILED", "The run request is not valid", { errors });
    }
    return {
      pipeline: parsed.data.pipeline,
      config: body,
      configText: options.bodyText,
      configPointer: "",
      name: parsed.data.project ?? null,
      labels: {},
      hold: false,
      priority: 0,
    };
  }
  const parsed = ZCreateRunRequest.safeParse(body);
  if (!parsed.success) {
    throw new AppError("VALIDATION_FAILED", "The run request is not valid", {
      errors: zodProblems(parsed.error, options.bodyText),
    });
  }
  const tree = parseJsonTree(options.bodyText);
  const configText =
    (tree && sourceOfProperty(options.bodyText, tree, "config")) ??
    JSON.stringify(parsed.data.config);
  return {
    pipeline: parsed.data.pipeline,
    config: parsed.data.config,
    configText,
    configPointer: "/config",
    name: parsed.data.name ?? null,
    labels: parsed.data.labels ?? {},
    hold: parsed.data.hold ?? false,
    priority: parsed.data.priority ?? 0,
  };
}

/**
 * Validates a submission completely (JSON, envelope, pipeline, the pipeline's JSON
 * Schema) before anything is stored, then creates the run. Every problem carries a
 * JSON Pointer into the submitted document and its line and column.
 */
export async function submitRun(
  ctx: AppContext,
  options: SubmitRunOptions,
): Promise<SubmitRunResult> {
  if (!canSubmit(options.principal.role)) {
    throw new AppError("FORBIDDEN", `The role "${options.principal.role}" cannot submit runs`);
  }
  const parsed = parseJson(options.bodyText);
  if (!parsed.ok) {
    const { line, column } = parsed.position;
    throw new AppError("INVALID_JSON", `${parsed.message} at line ${line}, column ${column}`, {
      errors: [{ path: "", message: parsed.message, line, column }],
    });
  }
  const envelope = readEnvelope(options, parsed.value);
  const pipeline = await resolvePipeline(ctx, envelope.pipeline).catch((error: unknown) => {
    if (error instanceof AppError && error.errors) {
      throw new AppError(error.code, error.message, {
        errors: withPositions(options.bodyText, error.errors),
      });
    }
    throw error;
  });
  const problems = validateWith(getConfigValidator(pipeline), envelope.config);
  if (problems.length > 0) {
    const errors = problems.map((p) => ({ ...p, path: envelope.configPointer + p.path }));
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    throw new AppError(
      "VALIDATION_FAILED",
      `The config does not match the schema of ${pipeline.name}@${pipeline.version}: ${count}`,
      { errors: withPositions(options.bodyText, errors) },
    );
  }
  const ref = `${pipeline.name}@${pipeline.version}`;
  if (options.dryRun) return { kind: "dry-run", pipeline: ref, config: envelope.config };
  const requestHash = createHash("sha256")
    .update(`${options.format}\0${options.bodyText}`)
    .digest("hex");
  const result = await createRun(ctx, {
    principal: options.principal,
    pipeline,
    configText: envelope.configText,
    name: envelope.name,
    labels: envelope.labels,
    hold: envelope.hold,
    priority: envelope.priority,
    trigger: options.trigger,
    ...(options.idempotencyKey
      ? { idempotency: { key: options.idempotencyKey, requestHash } }
      : {}),
  });
  return { kind: result.created ? "created" : "replayed", run: result.run };
}
