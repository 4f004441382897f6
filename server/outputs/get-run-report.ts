import { and, eq } from "drizzle-orm";
import { pipelines } from "@/db/schema";
import type { ReportSpec } from "@/lib/report-spec";
import type { AppContext } from "../context";

/**
 * The report a run's pipeline version declares (pipeline.json `report`), or null. Not
 * authorized here: it is the pipeline's, not the run's; the caller got the run with getRun,
 * and the data the report plots is read through the outputs' preview, authorized there.
 */
export async function getRunReport(
  ctx: Pick<AppContext, "db">,
  run: { pipelineName: string; pipelineVersion: string },
): Promise<ReportSpec | null> {
  const [row] = await ctx.db
    .select({ definition: pipelines.definition })
    .from(pipelines)
    .where(and(eq(pipelines.name, run.pipelineName), eq(pipelines.version, run.pipelineVersion)))
    .limit(1);
  return row?.definition.report ?? null;
}
