import { and, desc, eq, inArray, isNotNull, lt, ne, or, sql } from "drizzle-orm";
import { runAttempts, runLogs, runs } from "@/db/schema";
import type { AppContext } from "../context";
import { statesLeftBy } from "../lifecycle/run-transitions";

/** Where a tail of a job's output file starts (worker/executors/tail-file.ts TailStart). */
export interface LogPosition {
  lines: number;
  bytes: number;
}

/**
 * Where the log of an attempt's stream stands, as a place in the job's output file: its
 * line ends, then the bytes of its last, unfinished line. The log's text is the file's
 * with control characters taken out (lib/logs/log-text.ts), which keeps every line end
 * (a lone \r is one): counting lines finds the place; within the last line it is close.
 */
export async function logPosition(
  ctx: Pick<AppContext, "db">,
  runId: number,
  attempt: number,
  stream: "stdout" | "stderr",
): Promise<LogPosition> {
  const where = and(
    eq(runLogs.runId, runId),
    eq(runLogs.attempt, attempt),
    eq(runLogs.stream, stream),
  );
  const [counted] = await ctx.db
    .select({
      lines: sql<
        string | null
      >`SUM(LENGTH(${runLogs.content}) - LENGTH(REPLACE(${runLogs.content}, '\n', '')))`,
    })
    .from(runLogs)
    .where(where);
  let bytes = 0;
  const last = await ctx.db
    .select({ content: runLogs.content })
    .from(runLogs)
    .where(where)
    .orderBy(desc(runLogs.offset))
    .limit(50);
  for (const row of last) {
    const end = row.content.lastIndexOf("\n");
    bytes += Buffer.byteLength(row.content.slice(end + 1));
    if (end !== -1) break;
  }
  return { lines: Number(counted?.lines ?? 0), bytes };
}

/**
 * Runs running or being cancelled whose current attempt is a Slurm job watched by another
 * worker, or by `workerId` itself when started over `graceMs` ago (a restarted worker of
 * the same id): the candidates a worker may take up (worker/adopt-slurm-runs.ts).
 */
export async function findSlurmAttempts(
  ctx: Pick<AppContext, "db">,
  options: { workerId: string; startedBefore: Date },
) {
  return ctx.db
    .select({
      id: runs.id,
      publicId: runs.publicId,
      userId: runs.userId,
      status: runs.status,
      maxAttempts: runs.maxAttempts,
      priority: runs.priority,
      pipelineName: runs.pipelineName,
      pipelineVersion: runs.pipelineVersion,
      attempt: runs.attempt,
      workerId: runAttempts.workerId,
      workDir: runAttempts.workDir,
      slurmJobId: runAttempts.slurmJobId,
    })
    .from(runs)
    .innerJoin(
      runAttempts,
      and(eq(runAttempts.runId, runs.id), eq(runAttempts.attempt, runs.attempt)),
    )
    .where(
      and(
        inArray(runs.status, statesLeftBy("lose")),
        isNotNull(runAttempts.slurmJobId),
        or(
          ne(runAttempts.workerId, options.workerId),
          lt(runAttempts.startedAt, options.startedBefore),
        ),
      ),
    )
    .limit(500);
}

/**
 * Moves an attempt from the worker that watched it to `to`, only if `from` still has it:
 * of two workers taking it up at once, one does. True when this call moved it.
 */
export async function moveSlurmAttempt(
  ctx: Pick<AppContext, "db">,
  options: { runId: number; attempt: number; from: string; to: { workerId: string; host: string } },
): Promise<boolean> {
  const [moved] = await ctx.db
    .update(runAttempts)
    .set({ workerId: options.to.workerId, host: options.to.host })
    .where(
      and(
        eq(runAttempts.runId, options.runId),
        eq(runAttempts.attempt, options.attempt),
        eq(runAttempts.workerId, options.from),
      ),
    );
  return moved.affectedRows === 1;
}
