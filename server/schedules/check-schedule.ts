import { MAX_LIST_TARGETS } from "@/lib/contract/lists";
import { collectListTargets } from "@/lib/schema/list-keyword";
import { assertListValues } from "../lists/assert-list-values";
import type { PipelineRow, RunWarning } from "@/db/schema";
import { parsePipelineRef } from "@/lib/pipeline-ref";
import type { AppContext } from "../context";
import { AppError, type ProblemItem } from "../errors";
import { checkPipelineConfig } from "../pipelines/check-pipeline-config";
import { assertConfigPaths } from "../pipelines/config-path-problems";
import {
  configPipelineField,
  withConflict,
  withPipelineText,
} from "../pipelines/config-pipeline-field";
import { resolvePipeline } from "../pipelines/resolve-pipeline";
import { withPositions, type JsonDocument as SubmittedDocument } from "../http/json-body";
import { checkCronExpression, checkTimeZone } from "./cron";

/** How a schedule body is parsed: the config's text is kept, to be stored exactly as sent. */
export const SCHEDULE_BODY = { subject: "The schedule request", spans: ["/config"] } as const;

/**
 * The pipeline reference as stored: `name@latest` for a bare name, so the list says
 * what a fire will resolve.
 */
export function normalizePipelineRef(reference: string): string {
  const ref = parsePipelineRef(reference);
  return ref ? `${ref.name}@${ref.selector}` : reference;
}

/**
 * Resolves the pipeline and validates the config against its JSON Schema, as
 * submitRun does: UNKNOWN_PIPELINE (422) at `/pipeline`, VALIDATION_FAILED (422) with a
 * JSON Pointer under `/config` per problem. `doc` adds line and column when the config
 * came in that document. Gives the pipeline, and the warnings (under `/config`) that a run
 * of this config would carry.
 */
export async function checkScheduleTarget(
  ctx: Pick<AppContext, "db" | "caches" | "config">,
  target: { pipeline: string; config: unknown },
  doc?: SubmittedDocument,
  /** The owner, whose values of reference lists are checked (at creation and change). */
  ownerId?: number,
): Promise<{ pipeline: PipelineRow; warnings: RunWarning[] }> {
  const locate = (errors: ProblemItem[]) => (doc ? withPositions(doc, errors) : errors);
  const pipeline = await resolvePipeline(ctx, target.pipeline).catch((error: unknown) => {
    if (error instanceof AppError && error.errors) {
      throw new AppError(error.code, error.message, { errors: locate(error.errors) });
    }
    throw error;
  });
  // The schedule's pipeline fills a config's missing `pipeline` field as for /runs (at each
  // fire, with the version that fire runs: scheduleConfigText); a disagreeing one is refused.
  const field = isObject(target.config)
    ? await configPipelineField(ctx, pipeline, target.config)
    : null;
  const config = field ? field.config : target.config;
  // Undeclared properties that only warn do not stop a schedule; each fire's run lists them.
  const checked = checkPipelineConfig(ctx, pipeline, config);
  const problems = field ? withConflict(field, checked.errors) : checked.errors;
  if (problems.length > 0) {
    const errors = problems.map(({ atKey, ...p }) => ({ ...p, path: `/config${p.path}`, atKey }));
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    throw new AppError(
      "VALIDATION_FAILED",
      `The config does not match the schema of ${pipeline.name}@${pipeline.version}: ${count}`,
      { errors: doc ? withPositions(doc, errors) : errors.map(({ atKey: _, ...p }) => p) },
    );
  }
  await assertConfigPaths(ctx, pipeline, config, { prefix: "/config", locate });
  if (ownerId !== undefined) {
    // Each fire checks them again (createRun), against the list as it is then.
    await assertListValues(ctx, {
      targets: collectListTargets(pipeline.schema, config, MAX_LIST_TARGETS + 1),
      userId: ownerId,
      prefix: "/config",
      subject: `${pipeline.name}@${pipeline.version}`,
    }).catch((error: unknown) => {
      if (error instanceof AppError && error.errors) {
        throw new AppError(error.code, error.message, { errors: locate(error.errors) });
      }
      throw error;
    });
  }
  const warnings = checked.warnings.map(({ path, message }) => ({
    path: `/config${path}`,
    message,
  }));
  return { pipeline, warnings };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The config text a fire stores: the schedule's, with `"pipeline": name@version` of the
 * version this fire runs added when the schema requires the field and the config lacks it.
 */
export async function scheduleConfigText(
  ctx: Pick<AppContext, "db" | "caches">,
  pipeline: PipelineRow,
  configText: string,
): Promise<{ configText: string; config: unknown }> {
  const config = JSON.parse(configText) as unknown;
  if (!isObject(config)) return { configText, config };
  const field = await configPipelineField(ctx, pipeline, config);
  return field.filled
    ? { configText: withPipelineText(configText, field.filled), config: field.config }
    : { configText, config };
}

/**
 * Checks the cron expression and the time zone together (both problems at once);
 * returns their normalized forms.
 */
export function checkTiming(
  timing: { cron: string; timeZone: string },
  doc?: SubmittedDocument,
): { cron: string; timeZone: string } {
  const errors: ProblemItem[] = [];
  const details: string[] = [];
  const attempt = <T>(check: () => T): T | undefined => {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      errors.push(...(error.errors ?? []));
      details.push(error.message);
      return undefined;
    }
  };
  const cron = attempt(() => checkCronExpression(timing.cron));
  const timeZone = attempt(() => checkTimeZone(timing.timeZone));
  if (cron === undefined || timeZone === undefined) {
    throw new AppError("VALIDATION_FAILED", details.join("; "), {
      errors: doc ? withPositions(doc, errors) : errors,
    });
  }
  return { cron, timeZone };
}
