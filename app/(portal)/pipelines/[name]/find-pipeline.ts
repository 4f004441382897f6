import type { PipelineDetail } from "@/lib/contract/pipelines";
import type { AppContext } from "@/server/context";
import { AppError } from "@/server/errors";
import { getPipeline } from "@/server/pipelines/get-pipeline";

export type FoundPipeline =
  | { kind: "found"; pipeline: PipelineDetail }
  | { kind: "no-version"; pipeline: PipelineDetail }
  | { kind: "no-pipeline" };

/**
 * The version a detail page asked for. An unknown version of a known pipeline is told
 * apart from an unknown pipeline, so that the page can offer the versions that exist.
 */
export async function findPipeline(
  app: Pick<AppContext, "db">,
  name: string,
  version: string | undefined,
): Promise<FoundPipeline> {
  const lookup = (v?: string) =>
    getPipeline(app, v ? { name, version: v } : { name }).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "NOT_FOUND") return null;
      throw error;
    });
  const exact = await lookup(version);
  if (exact) return { kind: "found", pipeline: exact };
  const fallback = version ? await lookup() : null;
  return fallback ? { kind: "no-version", pipeline: fallback } : { kind: "no-pipeline" };
}
