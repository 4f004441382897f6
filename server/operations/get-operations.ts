import { gte, sql } from "drizzle-orm";
import { runCounts, runHourly } from "@/db/schema";
import { RUN_STATUSES, type RunStatus } from "@/lib/run-status";
import type { OperationsView } from "@/lib/contract/operations";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { isBeatAlive, listWorkers, readBeatHeartbeat } from "../health/heartbeats";
import { listFailingLists } from "../lists/list-failing-lists";
import { getMailStatus } from "../notifications/get-mail-status";
import { getIntake } from "./intake";
import { getWorkersReload } from "./drain-workers";
import { requireAdmin } from "../auth/require-role";
import { readSlurmQueue } from "./slurm-queue";

const HOURS = 24;

/**
 * Everything an administrator watches (GET /api/v1/operations): live workers with
 * what they run, the active beat, queue counts in Redis and runs by status in MySQL,
 * finished runs per hour by outcome over the last day, the intake switch, and the
 * reference lists whose latest refresh failed, and the Slurm queue the workers publish. Runs by status and per hour are read from
 * the counters the transitions keep (run_counts, run_hourly:
 * server/lifecycle/run-counters.ts), a few hundred rows however many runs.
 */
export async function getOperations(
  ctx: AppContext,
  options: { principal: Principal; now?: Date },
): Promise<OperationsView> {
  requireAdmin(options.principal, "see the operations page");
  const now = options.now ?? new Date();
  const since = new Date(Math.floor(now.getTime() / 3600_000) * 3600_000 - (HOURS - 1) * 3600_000);
  const [workers, beat, queue, intake, failingLists, byStatus, perHour, email, reload] =
    await Promise.all([
      listWorkers(ctx).catch(() => []),
      readBeatHeartbeat(ctx).catch(() => null),
      ctx.queue.getJobCounts("waiting", "prioritized", "active", "delayed").catch(() => null),
      getIntake(ctx),
      listFailingLists(ctx),
      ctx.db
        .select({ status: runCounts.status, n: sql<number>`SUM(${runCounts.n})` })
        .from(runCounts)
        .groupBy(runCounts.status),
      ctx.db
        .select({
          hour: sql<string>`DATE_FORMAT(${runHourly.hour}, '%Y-%m-%dT%H:00:00Z')`,
          status: runHourly.status,
          n: runHourly.n,
        })
        .from(runHourly)
        .where(gte(runHourly.hour, since)),
      getMailStatus(ctx, now),
      getWorkersReload(ctx).catch(() => null),
    ]);
  const hours = Array.from({ length: HOURS }, (_, i) => {
    const hour = new Date(since.getTime() + i * 3600_000).toISOString().replace(".000Z", "Z");
    return { hour, succeeded: 0, failed: 0, error: 0, cancelled: 0 };
  });
  for (const row of perHour) {
    const slot = hours.find((h) => h.hour === row.hour);
    if (slot && row.status in slot) slot[row.status as "succeeded"] += Number(row.n);
  }
  const counts = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
  for (const row of byStatus) counts[row.status] = Number(row.n);
  return {
    at: now.toISOString(),
    // A heartbeat is parsed to exactly its fields, so the rest can be passed on as is.
    workers: workers
      .map(({ at, ...worker }) => ({ ...worker, lastHeartbeat: at }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    beat: isBeatAlive(beat, ctx.config.beatIntervalSeconds, now.getTime())
      ? { instanceId: beat.instanceId, host: beat.host, pid: beat.pid, lastHeartbeat: beat.at }
      : null,
    queue: queue
      ? {
          waiting: (queue.waiting ?? 0) + (queue.prioritized ?? 0),
          active: queue.active ?? 0,
          delayed: queue.delayed ?? 0,
        }
      : null,
    runs: counts,
    perHour: hours,
    intake,
    email,
    failingLists,
    reload,
    slurm: await readSlurmQueue(
      ctx,
      workers.map((w) => w.id),
    ).catch(() => null),
  };
}
