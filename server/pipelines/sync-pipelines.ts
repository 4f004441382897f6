import { sql } from "drizzle-orm";
import { pipelines } from "@/db/schema";
import type { AppContext } from "../context";
import type { LoadedPipeline } from "./load-pipeline-definitions";

/**
 * Upserts the pipeline versions found on disk into MySQL, where the web reads them.
 * A version that changed on disk is updated in place; runs keep their own config snapshot.
 */
export async function syncPipelines(
  ctx: Pick<AppContext, "db">,
  loaded: readonly LoadedPipeline[],
): Promise<void> {
  const now = new Date();
  for (const p of loaded) {
    await ctx.db
      .insert(pipelines)
      .values({
        name: p.name,
        version: p.version,
        title: p.title,
        description: p.description,
        isDev: p.isDev,
        schema: p.schema,
        example: p.example,
        definition: p.definition,
        definitionHash: p.hash,
        timeoutSeconds: p.definition.timeoutSeconds,
        maxAttempts: p.definition.retries + 1,
        createdAt: now,
      })
      .onDuplicateKeyUpdate({
        set: {
          title: sql`VALUES(${pipelines.title})`,
          description: sql`VALUES(${pipelines.description})`,
          isDev: sql`VALUES(${pipelines.isDev})`,
          schema: sql`VALUES(${pipelines.schema})`,
          example: sql`VALUES(${pipelines.example})`,
          definition: sql`VALUES(${pipelines.definition})`,
          definitionHash: sql`VALUES(${pipelines.definitionHash})`,
          timeoutSeconds: sql`VALUES(${pipelines.timeoutSeconds})`,
          maxAttempts: sql`VALUES(${pipelines.maxAttempts})`,
          updatedAt: now,
        },
      });
  }
}
