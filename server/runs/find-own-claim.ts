import { and, eq, isNull } from "drizzle-orm";
import { runAttempts, runs, type RunRow } from "@/db/schema";
import type { AppContext } from "../context";

/**
 * A claim this worker sent whose answer never came (MySQL froze, the statement budget
 * ran out) may still have committed once MySQL went on. The run is then `running` with
 * this worker's attempt row and no process recorded: the worker takes it up again, as
 * if the claim had answered, instead of leaving it to the beat (which would end it as
 * lost: an attempt used, or the run ended `error`). Null when the claim did not land.
 */
export async function findOwnClaim(
  ctx: Pick<AppContext, "db">,
  options: { publicId: string; workerId: string },
): Promise<{ run: RunRow; attempt: number; workDir: string } | null> {
  const [row] = await ctx.db
    .select({ run: runs, workDir: runAttempts.workDir })
    .from(runs)
    .innerJoin(
      runAttempts,
      and(eq(runAttempts.runId, runs.id), eq(runAttempts.attempt, runs.attempt)),
    )
    .where(
      and(
        eq(runs.publicId, options.publicId),
        eq(runs.status, "running"),
        eq(runAttempts.workerId, options.workerId),
        isNull(runAttempts.pid),
      ),
    )
    .limit(1);
  return row ? { run: row.run, attempt: row.run.attempt, workDir: row.workDir } : null;
}
