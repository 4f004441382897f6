import { and, asc, desc, eq, type SQL } from "drizzle-orm";
import { runOutputs } from "@/db/schema";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { findRunFor } from "../runs/find-run-for";
import type { OutputView } from "@/lib/contract/outputs";
import { toOutputView } from "./output-view";

/**
 * The files a run's attempts left in their outputs folders (GET /runs/{id}/outputs),
 * newest attempt first, then by path; `attempt` narrows to one attempt. At most 1000
 * files are recorded per attempt, so the list needs no paging. Throws NOT_FOUND /
 * FORBIDDEN as findRunFor does.
 */
export async function listOutputs(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; runId: string; attempt?: number },
): Promise<OutputView[]> {
  const { run } = await findRunFor(ctx, { ...options, access: "read" });
  const where: SQL[] = [eq(runOutputs.runId, run.id)];
  if (options.attempt !== undefined) where.push(eq(runOutputs.attempt, options.attempt));
  const rows = await ctx.db
    .select()
    .from(runOutputs)
    .where(and(...where))
    .orderBy(desc(runOutputs.attempt), asc(runOutputs.path));
  return rows.map((row) => toOutputView(run.publicId, row));
}
