import { createHash } from "node:crypto";
import type { RunTrigger } from "@/lib/run-status";
import type { ConfigProblem } from "@/lib/schema/validate-config";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError, type ProblemItem } from "../errors";
import { checkPipelineConfig } from "../pipelines/check-pipeline-config";
import {
  configPipelineField,
  withPipelineText,
  type PipelineField,
} from "../pipelines/config-pipeline-field";
import { assertConfigPaths } from "../pipelines/config-path-problems";
import { resolvePipeline } from "../pipelines/resolve-pipeline";
import { createRun } from "./create-run";
import { withPositions } from "../http/json-body";
import { readRunRequest } from "./read-run-request";
import type { RunRow } from "@/db/schema";
import { requireSubmitter } from "../auth/require-role";
import { MAX_PRIORITY, SUBMITTER_MAX_PRIORITY } from "@/lib/contract/runs";

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
  | { kind: "dry-run"; pipeline: string; config: unknown; warnings: ProblemItem[] };

/**
 * Validates a submission completely (JSON, envelope, pipeline, the pipeline's JSON
 * Schema) before anything is stored, then creates the run. Every problem carries a
 * JSON Pointer into the submitted document and its line and column.
 */
export async function submitRun(
  ctx: AppContext,
  options: SubmitRunOptions,
): Promise<SubmitRunResult> {
  requireSubmitter(options.principal);
  const { doc, request: envelope } = readRunRequest(options.bodyText, options.format);
  const pipeline = await resolvePipeline(ctx, envelope.pipeline).catch((error: unknown) => {
    if (error instanceof AppError && error.errors) {
      throw new AppError(error.code, error.message, { errors: withPositions(doc, error.errors) });
    }
    throw error;
  });
  const maxPriority =
    options.principal.role === "submitter" ? SUBMITTER_MAX_PRIORITY : MAX_PRIORITY;
  if (envelope.priority > maxPriority) {
    // Refused, not lowered: the caller learns at once that the run would not be ordered as
    // asked, and an Idempotency-Key replay never meets a run stored with other values.
    const message = `a ${options.principal.role} may set a priority up to ${maxPriority} (operators and admins up to ${MAX_PRIORITY})`;
    throw new AppError("VALIDATION_FAILED", `The run request is not valid: ${message}`, {
      errors: withPositions(doc, [{ path: "/priority", message }]),
    });
  }
  if ("schedule" in envelope.labels) {
    // The beat labels a schedule's runs with it (the schedule's Runs link lists them).
    const message = "the label schedule is set by Runport on the runs of a schedule";
    throw new AppError("VALIDATION_FAILED", `The run request is not valid: ${message}`, {
      errors: withPositions(doc, [{ path: "/labels/schedule", message }]),
    });
  }
  // The /runs envelope's pipeline fills the config's `pipeline` field (the legacy body is both).
  const field: PipelineField =
    options.format === "runs"
      ? await configPipelineField(ctx, pipeline, envelope.config as Record<string, unknown>)
      : { config: envelope.config as Record<string, unknown> };
  const configText = field.filled
    ? withPipelineText(envelope.configText, field.filled)
    : envelope.configText;
  const check = checkPipelineConfig(ctx, pipeline, field.config);
  const problems = field.conflict ? [field.conflict, ...check.errors] : check.errors;
  // Pointers into the submitted document, with line and column (of the key for `atKey`).
  const atDoc = (list: ConfigProblem[]) =>
    withPositions(
      doc,
      list.map((p) => ({ ...p, path: envelope.configPointer + p.path })),
    );
  if (problems.length > 0) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    throw new AppError(
      "VALIDATION_FAILED",
      `The config does not match the schema of ${pipeline.name}@${pipeline.version}: ${count}`,
      { errors: atDoc(problems) },
    );
  }
  await assertConfigPaths(ctx, pipeline, field.config, {
    prefix: envelope.configPointer,
    locate: (errors) => withPositions(doc, errors),
  });
  const ref = `${pipeline.name}@${pipeline.version}`;
  const warnings = atDoc(check.warnings);
  if (options.dryRun) return { kind: "dry-run", pipeline: ref, config: field.config, warnings };
  const requestHash = createHash("sha256")
    .update(`${options.format}\0${options.bodyText}`)
    .digest("hex");
  const result = await createRun(ctx, {
    principal: options.principal,
    pipeline,
    configText,
    warnings,
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
