import path from "node:path";
import type { AppContext } from "@/server/context";
import {
  loadPipelineDefinitions,
  type LoadedPipeline,
} from "@/server/pipelines/load-pipeline-definitions";
import { syncPipelines } from "@/server/pipelines/sync-pipelines";

/** The shipped pipelines and the test-only ones (stubborn, missing-program, ...). */
export const PIPELINE_ROOTS = [path.resolve("pipelines"), path.resolve("test/fixtures/pipelines")];

/** Loads and registers the pipelines of the given roots, as a process does at start. */
export async function registerPipelines(
  ctx: AppContext,
  roots: readonly string[] = PIPELINE_ROOTS,
): Promise<LoadedPipeline[]> {
  const { pipelines, problems } = loadPipelineDefinitions(roots);
  if (problems.length > 0) throw new Error(`pipeline problems: ${JSON.stringify(problems)}`);
  await syncPipelines(ctx, pipelines);
  return pipelines;
}
