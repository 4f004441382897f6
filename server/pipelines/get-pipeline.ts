import { eq } from "drizzle-orm";
import { pipelines } from "@/db/schema";
import { parsePipelineRef, resolveVersion } from "@/lib/pipeline-ref";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import type { PipelineDetail } from "@/lib/contract/pipelines";
import { summarize } from "./list-pipelines";

/**
 * One pipeline with the schema and example of one version (GET /api/v1/pipelines/{name}).
 * `version` may be exact, "latest" (default) or "dev"; `name@version` works too.
 */
export async function getPipeline(
  ctx: Pick<AppContext, "db">,
  options: { name: string; version?: string },
): Promise<PipelineDetail> {
  const ref = parsePipelineRef(
    options.version ? `${options.name}@${options.version}` : options.name,
  );
  if (!ref) throw new AppError("NOT_FOUND", `There is no pipeline "${options.name}"`);
  const rows = await ctx.db.select().from(pipelines).where(eq(pipelines.name, ref.name));
  const [summary] = summarize(rows);
  if (!summary) throw new AppError("NOT_FOUND", `There is no pipeline "${ref.name}"`);
  const version =
    resolveVersion(rows, ref.selector) ?? (ref.selector === "latest" ? rows[0]?.version : null);
  const row = rows.find((r) => r.version === version);
  if (!row) {
    throw new AppError("NOT_FOUND", `Pipeline "${ref.name}" has no version "${ref.selector}"`);
  }
  return {
    ...summary,
    version: row.version,
    isDev: row.isDev,
    title: row.title,
    description: row.description,
    schema: row.schema,
    example: row.example,
    timeoutSeconds: row.timeoutSeconds,
    maxAttempts: row.maxAttempts,
    unknownProperties: row.definition.unknownProperties ?? "warn",
  };
}
