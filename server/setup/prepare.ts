import { ensureDatabase } from "@/db/ensure-database";
import { migrateDatabase } from "@/db/migrate";
import type { AppContext } from "../context";
import { ensureDefaultLists } from "../lists/ensure-default-lists";
import {
  loadPipelineDefinitions,
  type LoadedPipeline,
} from "../pipelines/load-pipeline-definitions";
import { syncPipelines } from "../pipelines/sync-pipelines";

/**
 * What every process does at start: create the database if missing, apply the
 * committed migrations, and register the pipelines found on PIPELINES_PATH.
 * Returns the pipelines loaded from disk (the worker runs them).
 */
export async function prepare(ctx: AppContext): Promise<LoadedPipeline[]> {
  await ensureDatabase(ctx.config.databaseUrl);
  await migrateDatabase(ctx.db, ctx.config.migrationsDir);
  const { pipelines, problems } = loadPipelineDefinitions(ctx.config.pipelinesPath);
  for (const problem of problems) ctx.log.warn(problem, "pipeline definition skipped");
  await syncPipelines(ctx, pipelines);
  await ensureDefaultLists(ctx);
  ctx.log.info(
    { pipelines: pipelines.map((p) => `${p.name}@${p.version}`) },
    "database migrated and pipelines registered",
  );
  return pipelines;
}
