import { createHash } from "node:crypto";
import type { PipelineRow } from "@/db/schema";
import type { UserRole } from "@/lib/roles";
import { collectListTargets, type ListTarget } from "@/lib/schema/list-keyword";
import type { ConfigProblem } from "@/lib/schema/validate-config";
import { MAX_LIST_TARGETS } from "@/lib/contract/lists";
import { MAX_PRIORITY, SUBMITTER_MAX_PRIORITY } from "@/lib/contract/runs";
import type { AppContext } from "../context";
import { AppError, type ProblemItem } from "../errors";
import { withPositions } from "../http/json-body";
import { decodeUtf8 } from "../http/read-body";
import { checkPipelineConfig } from "../pipelines/check-pipeline-config";
import { assertConfigPaths } from "../pipelines/config-path-problems";
import {
  configPipelineField,
  withConflict,
  withPipelineText,
  type PipelineField,
} from "../pipelines/config-pipeline-field";
import { resolvePipeline } from "../pipelines/resolve-pipeline";
import { readRunRequest, type RunRequest } from "./read-run-request";

export interface CheckRunSubmissionOptions {
  /**
   * The request body as received: its bytes (UTF-8, decoded here, so a large body is
   * decoded on the CPU thread that checks it), or its text.
   */
  body: Uint8Array | string;
  /** `runs` = {pipeline, config, ...}; `legacy` = the body is the config. */
  format: "runs" | "legacy";
  role: UserRole;
}

export interface CheckedRunSubmission {
  pipeline: PipelineRow;
  request: RunRequest;
  /** The config as it will run: the envelope's pipeline filled in when it was missing. */
  config: Record<string, unknown>;
  /** The config's text as it will be stored (the request's, or with `pipeline` added). */
  configText: string;
  /** Undeclared properties (the pipeline's `unknownProperties: warn`), located. */
  warnings: ProblemItem[];
  /** The values the schema ties to reference lists, checked by the web process (MySQL). */
  listTargets: ListTarget[];
  /** SHA-256 of the format and the body's text: an Idempotency-Key replay sends the same. */
  requestHash: string;
}

/**
 * Everything submitRun checks before it stores anything (JSON, envelope, pipeline,
 * priority, labels, the pipeline's JSON Schema, the files the config names); every
 * problem carries a JSON Pointer into the submitted document and its line and column.
 * Pure but for the pipeline lookup (ctx.caches first) and the file checks, so a large body
 * is checked on a CPU thread (server/cpu/).
 */
export async function checkRunSubmission(
  ctx: Pick<AppContext, "db" | "caches" | "config">,
  options: CheckRunSubmissionOptions,
): Promise<CheckedRunSubmission> {
  const bodyText = typeof options.body === "string" ? options.body : decodeUtf8(options.body);
  const { doc, request: envelope } = readRunRequest(bodyText, options.format);
  const pipeline = await resolvePipeline(ctx, envelope.pipeline).catch((error: unknown) => {
    if (error instanceof AppError && error.errors) {
      throw new AppError(error.code, error.message, { errors: withPositions(doc, error.errors) });
    }
    throw error;
  });
  const maxPriority = options.role === "submitter" ? SUBMITTER_MAX_PRIORITY : MAX_PRIORITY;
  if (envelope.priority > maxPriority) {
    // Refused, not lowered: the caller learns at once that the run would not be ordered as
    // asked, and an Idempotency-Key replay never meets a run stored with other values.
    const message = `a ${options.role} may set a priority up to ${maxPriority} (operators and admins up to ${MAX_PRIORITY})`;
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
  const problems = withConflict(field, check.errors);
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
  return {
    pipeline,
    request: envelope,
    config: field.config,
    configText,
    warnings: atDoc(check.warnings),
    listTargets: collectListTargets(pipeline.schema, field.config, MAX_LIST_TARGETS + 1),
    requestHash: createHash("sha256").update(`${options.format}\0${bodyText}`).digest("hex"),
  };
}
