import { and, eq, inArray } from "drizzle-orm";
import { runAttempts, runs } from "@/db/schema";
import type { AppContext } from "../context";

/** The attempts started on a host whose recorded process group is one of these. */
export async function findAttemptsInGroups(
  ctx: Pick<AppContext, "db">,
  options: { host: string; processGroups: number[] },
) {
  if (options.processGroups.length === 0) return [];
  const rows = await ctx.db
    .select({
      runId: runs.publicId,
      attempt: runAttempts.attempt,
      workerId: runAttempts.workerId,
      processGroup: runAttempts.processGroup,
    })
    .from(runAttempts)
    .innerJoin(runs, eq(runs.id, runAttempts.runId))
    .where(
      and(
        eq(runAttempts.host, options.host),
        inArray(runAttempts.processGroup, options.processGroups),
      ),
    );
  return rows.map((row) => ({ ...row, processGroup: row.processGroup! }));
}
