import { withoutStatementBudget } from "@/db/client";
import { getAppContext } from "../http/app-context";
import { getConfigValidator } from "../pipelines/get-config-validator";
import type { AppContext } from "../context";
import type { LoadedPipeline } from "../pipelines/load-pipeline-definitions";
import { prepare } from "./prepare";

/**
 * The web's start-up preparation. If MySQL is not reachable yet, the server starts
 * anyway (health says "down") and keeps trying every five seconds in the background.
 */
export async function prepareWeb(): Promise<void> {
  const ctx = getAppContext();
  const attempt = async (): Promise<void> => {
    try {
      // Migrations may take as long as they need (no request budget).
      const pipelines = await withoutStatementBudget(() => prepare(ctx));
      compileValidators(ctx, pipelines);
    } catch (error) {
      ctx.log.error({ err: error }, "could not prepare the database; retrying in 5 s");
      setTimeout(() => void attempt(), 5000).unref();
    }
  };
  await attempt();
}

/**
 * Compiled now, before the first request: compiling a schema held the event loop
 * 60-170 ms at a pipeline's first small submission (docs/notes/fuzzing.md). One that does
 * not compile is left to its first request (which answers with the reason).
 */
function compileValidators(ctx: AppContext, pipelines: LoadedPipeline[]): void {
  for (const pipeline of pipelines) {
    try {
      getConfigValidator(ctx, { definitionHash: pipeline.hash, schema: pipeline.schema });
    } catch (error) {
      ctx.log.warn(
        { err: error, pipeline: `${pipeline.name}@${pipeline.version}` },
        "schema not compiled",
      );
    }
  }
}
