import { eq } from "drizzle-orm";
import { pipelines, type PipelineRow } from "@/db/schema";
import { parsePipelineRef, resolveVersion } from "@/lib/pipeline-ref";
import type { AppContext } from "../context";
import { AppError } from "../errors";

type Ctx = Pick<AppContext, "db" | "caches">;

/** The versions of a pipeline, cached for a few seconds (ctx.caches.pipelineVersions). */
export async function versionsOf(ctx: Ctx, name: string): Promise<PipelineRow[]> {
  const hit = ctx.caches.pipelineVersions.get(name);
  if (hit) return hit;
  const rows = await ctx.db.select().from(pipelines).where(eq(pipelines.name, name));
  if (rows.length > 0) ctx.caches.pipelineVersions.set(name, rows);
  return rows;
}

/**
 * Resolves `name@1.2.0`, `name@latest`, bare `name` or `name@dev` to a pipeline version.
 * Throws UNKNOWN_PIPELINE (422) naming what exists, so the client can correct itself.
 */
export async function resolvePipeline(
  ctx: Ctx,
  reference: string,
  pointer = "/pipeline",
): Promise<PipelineRow> {
  const unknown = (detail: string, message: string) =>
    new AppError("UNKNOWN_PIPELINE", detail, { errors: [{ path: pointer, message }] });
  const ref = parsePipelineRef(reference);
  if (!ref) {
    throw unknown(
      `"${reference}" is not a pipeline reference like name@1.0.0`,
      "must look like name, name@latest, name@dev or name@1.2.0",
    );
  }
  const rows = await versionsOf(ctx, ref.name);
  if (rows.length === 0) {
    throw unknown(`There is no pipeline named "${ref.name}"`, `unknown pipeline "${ref.name}"`);
  }
  const version = resolveVersion(rows, ref.selector);
  const row = rows.find((r) => r.version === version);
  if (!row) {
    const known = rows.map((r) => r.version).join(", ");
    throw unknown(
      `Pipeline "${ref.name}" has no version "${ref.selector}"; available: ${known}`,
      `unknown version "${ref.selector}" (available: ${known})`,
    );
  }
  return row;
}
