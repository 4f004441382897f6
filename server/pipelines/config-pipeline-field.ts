import type { PipelineRow } from "@/db/schema";
import type { ConfigProblem } from "@/lib/schema/validate-config";
import type { AppContext } from "../context";
import { schemaOverview } from "@/lib/schema/schema-fields";
import { AppError } from "../errors";
import { resolvePipeline } from "./resolve-pipeline";

export interface PipelineField {
  /** The config, with `pipeline` filled in when it was missing (a new object then). */
  config: Record<string, unknown>;
  /** Set when `pipeline` was filled in from the envelope. */
  filled?: string;
  /** The config names another pipeline (or version) than the envelope: at `/pipeline`. */
  conflict?: ConfigProblem;
}

/** Whether the config's top level has a `pipeline` field (also in `$defs` groups joined by allOf). */
function declaresPipeline(schema: Record<string, unknown>): boolean {
  return schemaOverview(schema).properties.includes("pipeline");
}

function requiresPipeline(schema: Record<string, unknown>): boolean {
  return Array.isArray(schema.required) && schema.required.includes("pipeline");
}

/**
 * Carries the envelope's pipeline (the /runs body's `pipeline`, the upload's
 * `pipeline=` field, the workbook's hidden sheet) into a config whose schema requires a
 * top-level `pipeline` field and which lacks it, as `name@version` of the version that
 * runs (an optional one stays out: the config's text is kept as sent, and nothing would
 * be refused without it). A config that names a different pipeline, or a version that
 * resolves to another one, is a conflict wherever the schema declares the field (at the
 * root or in a `$defs` group joined by allOf). Other schemas: the config is left as it is.
 */
export async function configPipelineField(
  ctx: Pick<AppContext, "db" | "caches">,
  pipeline: PipelineRow,
  config: Record<string, unknown>,
): Promise<PipelineField> {
  if (!declaresPipeline(pipeline.schema)) return { config };
  const ref = `${pipeline.name}@${pipeline.version}`;
  const given = config.pipeline;
  if (given === undefined) {
    if (!requiresPipeline(pipeline.schema)) return { config };
    return { config: { pipeline: ref, ...config }, filled: ref };
  }
  // Not a string: the schema's own check says what is wrong.
  if (typeof given !== "string") return { config };
  const named = await resolvePipeline(ctx, given).catch((error: unknown) => {
    if (error instanceof AppError) return null;
    throw error;
  });
  if (named?.id === pipeline.id) return { config };
  const message = `names ${given}, but the run is for ${ref}: leave it out or make them agree`;
  return { config, conflict: { path: "/pipeline", message } };
}

/** The config's text with `"pipeline": ref` added as its first key (the rest as sent). */
export function withPipelineText(configText: string, ref: string): string {
  const open = configText.indexOf("{");
  const rest = configText.slice(open + 1);
  const entry = `"pipeline": ${JSON.stringify(ref)}`;
  return rest.trim() === "}"
    ? `${configText.slice(0, open)}{${entry}}`
    : `${configText.slice(0, open)}{${entry},${rest}`;
}

/**
 * The problems of a config checked after configPipelineField: a conflict first, in place of
 * what the schema says of the same field (its pattern names the pipeline too: one sentence
 * is enough).
 */
export function withConflict(field: PipelineField, errors: ConfigProblem[]): ConfigProblem[] {
  if (!field.conflict) return errors;
  return [field.conflict, ...errors.filter((e) => e.path !== field.conflict!.path)];
}
