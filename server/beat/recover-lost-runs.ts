import { and, eq, inArray, lt } from "drizzle-orm";
import { runAttempts, runs } from "@/db/schema";
import type { AppContext } from "../context";
import { scanWorkers } from "../health/heartbeats";
import { statesLeftBy } from "../lifecycle/run-transitions";
import { finishRun } from "../runs/finish-run";

/** An attempt younger than this may not be in its worker's heartbeat yet. */
const GRACE_MS = 15_000;
/**
 * A run must look orphaned for this long before it is recovered: several worker
 * heartbeats (every 5 s), so that a Redis restart (heartbeats gone for a moment) or a
 * run that is just finishing never makes a live run look lost. With the heartbeat's
 * 15 s expiry, a killed worker's run is recovered within about 45 s.
 */
export const ORPHAN_MS = 20_000;
/**
 * A Slurm job goes on without its worker: a worker takes up watching it within 10 s of
 * noticing (worker/adopt-slurm-runs.ts). Only when none does for this long (no worker
 * with Slurm left) is its attempt ended here; its job may then still be running.
 */
export const SLURM_ORPHAN_MS = 10 * 60_000;

/**
 * No run stays running forever: a run that MySQL holds as running or cancelling, whose
 * attempt is not in any live worker's heartbeat (the worker died, was killed -9, or lost
 * track of it), is finished as a platform error — which retries it as a new attempt
 * while attempts remain, or ends it as `error` (`cancelled` if it was being cancelled).
 * `suspects` (kept by the beat between ticks) remembers since when each run has looked
 * orphaned. Returns the public ids of the runs it recovered.
 */
export async function recoverLostRuns(
  ctx: AppContext,
  options: { suspects: Map<string, number>; now?: Date },
): Promise<string[]> {
  const { suspects } = options;
  const now = options.now ?? new Date();
  const candidates = await ctx.db
    .select({
      id: runs.id,
      publicId: runs.publicId,
      attempt: runs.attempt,
      maxAttempts: runs.maxAttempts,
      priority: runs.priority,
      workerId: runAttempts.workerId,
      host: runAttempts.host,
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
        lt(runAttempts.startedAt, new Date(now.getTime() - GRACE_MS)),
      ),
    )
    .limit(500);
  const orphaned = new Set<string>();
  const workers = candidates.length > 0 ? await scanWorkers(ctx) : [];
  const alive = new Map(workers.map((w) => [w.id, new Set(w.running)]));
  const recovered: string[] = [];
  for (const run of candidates) {
    if (alive.get(run.workerId)?.has(run.publicId)) continue;
    orphaned.add(run.publicId);
    const since = suspects.get(run.publicId) ?? now.getTime();
    suspects.set(run.publicId, since);
    if (now.getTime() - since < (run.slurmJobId ? SLURM_ORPHAN_MS : ORPHAN_MS)) continue;
    const gone = alive.has(run.workerId) ? "no longer runs it" : "stopped sending heartbeats";
    const job = run.slurmJobId
      ? ` and no worker took up watching its Slurm job ${run.slurmJobId}`
      : "";
    const status = await finishRun(ctx, {
      run,
      by: "beat",
      attempt: run.attempt,
      outcome: {
        status: "error",
        exitCode: null,
        signal: null,
        error: `worker ${run.workerId} on ${run.host} ${gone}${job}`,
      },
    });
    if (status) recovered.push(run.publicId);
    suspects.delete(run.publicId);
  }
  for (const id of suspects.keys()) if (!orphaned.has(id)) suspects.delete(id);
  return recovered;
}
