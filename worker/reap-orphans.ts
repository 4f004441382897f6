import { readdirSync, readFileSync } from "node:fs";
import type { AppContext } from "@/server/context";
import { scanWorkers } from "@/server/health/heartbeats";
import { findAttemptsInGroups } from "@/server/runs/find-attempts-in-groups";

/**
 * Orphans: process groups of attempts started on this host by a worker that is gone
 * (killed -9, crashed). The kernel does not stop them when their worker dies, so every
 * worker looks for them at start and then every few seconds, and kills each whole group
 * (SIGTERM, SIGKILL after the grace period) — before the beat can hand the run to a new
 * attempt, so that a run never runs twice at once.
 *
 * A group is only touched when /proc proves it is that attempt's and that its worker is
 * dead (isOrphanGroup): never on a missing heartbeat alone, never a recycled pid.
 * Linux only (it reads /proc); elsewhere it finds nothing.
 */
export interface ReapOptions {
  host: string;
  /** This worker, and the runs it is executing (its own attempts are not orphans). */
  workerId: string;
  active: { has(runId: string): boolean };
  graceMs: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

interface ProcessInfo {
  pid: number;
  ppid: number;
}

/**
 * One snapshot of /proc: the live (not zombie) processes by process group. Read once
 * per pass; every check of the pass uses it.
 */
export function processGroups(): Map<number, ProcessInfo[]> {
  const groups = new Map<number, ProcessInfo[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return groups;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state === "Z") continue;
      const members = groups.get(Number(pgrp)) ?? [];
      members.push({ pid: Number(entry), ppid: Number(ppid) });
      groups.set(Number(pgrp), members);
    } catch {
      // The process ended while we looked.
    }
  }
  return groups;
}

/** Live processes of one process group. */
export function groupMembers(pgid: number): number[] {
  return (processGroups().get(pgid) ?? []).map((p) => p.pid);
}

function environOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  } catch {
    return null;
  }
}

/**
 * Whether a process group is this attempt's and its worker is gone. Proof, not
 * heartbeats (Redis may be away while the worker lives): one of the group's processes
 * carries the attempt's RUNPORT_RUN_ID, RUNPORT_ATTEMPT and RUNPORT_WORKER_PID, and the
 * group leader's parent is no longer that worker (a parent never changes while it
 * lives); with the leader gone, the worker's pid must be gone too.
 */
export function isOrphanGroup(
  pgid: number,
  runId: string,
  attempt: number,
  groups: Map<number, ProcessInfo[]> = processGroups(),
): { workerPid: number } | null {
  const members = groups.get(pgid) ?? [];
  for (const { pid } of members) {
    const environ = environOf(pid);
    if (!environ?.includes(`RUNPORT_RUN_ID=${runId}`)) continue;
    if (!environ.includes(`RUNPORT_ATTEMPT=${attempt}`)) continue;
    const workerPid = Number(
      environ.find((v) => v.startsWith("RUNPORT_WORKER_PID="))?.slice(19) ?? NaN,
    );
    if (!Number.isInteger(workerPid) || workerPid <= 0) return null;
    const leader = members.find((p) => p.pid === pgid);
    const dead = leader ? leader.ppid !== workerPid : !isAlive(workerPid);
    return dead ? { workerPid } : null;
  }
  return null;
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Gone already.
  }
}

/**
 * Finds and kills orphaned process groups on this host; returns the run ids it reaped.
 * Only the attempts whose recorded process group is alive right now are looked up.
 */
export async function reapOrphans(ctx: AppContext, options: ReapOptions): Promise<string[]> {
  const groups = processGroups();
  const attempts = await findAttemptsInGroups(ctx, {
    host: options.host,
    processGroups: [...groups.keys()],
  });
  let workers: Map<string, { host: string; pid: number }> | undefined;
  const reaped: string[] = [];
  for (const a of attempts) {
    // This worker's own run (a fixed WORKER_ID survives restarts: only what runs now).
    if (a.workerId === options.workerId && options.active.has(a.runId)) continue;
    const pgid = a.processGroup;
    const orphan = isOrphanGroup(pgid, a.runId, a.attempt, groups);
    if (!orphan) continue;
    // Its worker is dead (proven above): its heartbeat must not keep the beat from
    // recovering the run for up to 15 s more. Only when it names that very process.
    workers ??= new Map((await scanWorkers(ctx).catch(() => [])).map((w) => [w.id, w]));
    const heartbeat = workers.get(a.workerId);
    const named = heartbeat?.host === options.host && heartbeat.pid === orphan.workerPid;
    if (named && !isAlive(orphan.workerPid)) {
      await ctx.redis.del(ctx.keys.worker(a.workerId)).catch(() => undefined);
    }
    ctx.log.warn(
      { runId: a.runId, attempt: a.attempt, processGroup: pgid, lostWorker: a.workerId },
      "killing the process group of a lost worker's run",
    );
    killGroup(pgid, "SIGTERM");
    reaped.push(a.runId);
    setTimeout(() => {
      // Only the same attempt's group: its id may have been taken by a new group meanwhile.
      if (isOrphanGroup(pgid, a.runId, a.attempt)) killGroup(pgid, "SIGKILL");
    }, options.graceMs).unref();
  }
  return reaped;
}
