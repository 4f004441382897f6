import { readdirSync, readFileSync } from "node:fs";
import { and, eq, gt, isNotNull, isNull, or } from "drizzle-orm";
import { runAttempts, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { listWorkers } from "@/server/health/heartbeats";

/**
 * Orphans: process groups of attempts started on this host by a worker that is gone
 * (killed -9, crashed). The kernel does not stop them when their worker dies, so every
 * worker looks for them at start and then every few seconds, and kills each whole group
 * (SIGTERM, SIGKILL after the grace period) — before the beat can hand the run to a new
 * attempt, so that a run never runs twice at once.
 *
 * A group is only touched when one of its processes carries the attempt's
 * RUNPORT_RUN_ID and RUNPORT_ATTEMPT in its environment (a recycled pid is left alone).
 * Linux only (it reads /proc); elsewhere it finds nothing.
 */
export interface ReapOptions {
  host: string;
  /** This worker, and the runs it is executing (its own attempts are not orphans). */
  workerId: string;
  active: { has(runId: string): boolean };
  graceMs: number;
  now?: Date;
}

/** Attempts older than this are not looked at (their groups died with a reboot long ago). */
const LOOK_BACK_MS = 2 * 24 * 3600_000;
/** A finished attempt's group is still checked this long (the beat finishes lost attempts). */
const FINISHED_LOOK_BACK_MS = 24 * 3600_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Live (not zombie) processes whose process group is `pgid` (from /proc/<pid>/stat). */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

function belongsTo(pid: number, runId: string, attempt: number): boolean {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    return (
      environ.includes(`RUNPORT_RUN_ID=${runId}`) && environ.includes(`RUNPORT_ATTEMPT=${attempt}`)
    );
  } catch {
    return false;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Gone already.
  }
}

/** Finds and kills orphaned process groups on this host; returns the run ids it reaped. */
export async function reapOrphans(ctx: AppContext, options: ReapOptions): Promise<string[]> {
  const now = options.now ?? new Date();
  const attempts = await ctx.db
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
        isNotNull(runAttempts.processGroup),
        gt(runAttempts.startedAt, new Date(now.getTime() - LOOK_BACK_MS)),
        or(
          isNull(runAttempts.finishedAt),
          gt(runAttempts.finishedAt, new Date(now.getTime() - FINISHED_LOOK_BACK_MS)),
        ),
      ),
    )
    .limit(1000);
  if (attempts.length === 0) return [];
  const workers = new Map((await listWorkers(ctx)).map((w) => [w.id, w]));
  const reaped: string[] = [];
  for (const a of attempts) {
    if (a.workerId === options.workerId) {
      // A previous life of this worker (a fixed WORKER_ID) left it, unless it runs now.
      if (options.active.has(a.runId)) continue;
    } else {
      const worker = workers.get(a.workerId);
      // A live worker (here, or one of the same id elsewhere) looks after its own runs.
      if (worker && (worker.host !== options.host || isAlive(worker.pid))) continue;
      // Dead for sure: its heartbeat must not keep the beat from recovering the run.
      if (worker) await ctx.redis.del(ctx.keys.worker(a.workerId)).catch(() => undefined);
    }
    const pgid = a.processGroup!;
    const members = groupMembers(pgid);
    if (!members.some((pid) => belongsTo(pid, a.runId, a.attempt))) continue;
    ctx.log.warn(
      { runId: a.runId, attempt: a.attempt, processGroup: pgid, lostWorker: a.workerId },
      "killing the process group of a lost worker's run",
    );
    killGroup(pgid, "SIGTERM");
    reaped.push(a.runId);
    setTimeout(() => {
      if (groupMembers(pgid).length > 0) killGroup(pgid, "SIGKILL");
    }, options.graceMs).unref();
  }
  return reaped;
}
