import { readFileSync } from "node:fs";
import { count, eq } from "drizzle-orm";
import { runs, type RunRow } from "@/db/schema";
import type { RunStatus } from "@/lib/run-status";
import type { Principal } from "@/server/auth/principal";
import type { AppContext } from "@/server/context";
import { getRunLogs } from "@/server/runs/get-run-logs";
import { submitRun } from "@/server/runs/submit-run";

/** Submits through the real service (validation, insert, enqueue) and returns the run id. */
export async function submit(
  ctx: AppContext,
  principal: Principal,
  pipeline: string,
  config: unknown,
  extra: { hold?: boolean; name?: string } = {},
): Promise<string> {
  const result = await submitRun(ctx, {
    principal,
    body: JSON.stringify({ pipeline, config, ...extra }),
    format: "runs",
    trigger: "api",
    dryRun: false,
  });
  if (result.kind === "dry-run") throw new Error("unexpected dry run");
  return result.run.publicId;
}

export async function getRunRow(ctx: AppContext, publicId: string): Promise<RunRow> {
  const [row] = await ctx.db.select().from(runs).where(eq(runs.publicId, publicId));
  if (!row) throw new Error(`no run ${publicId}`);
  return row;
}

/** Polls MySQL until the run reaches one of `statuses` (throws with the last status on timeout). */
export async function waitForStatus(
  ctx: AppContext,
  publicId: string,
  statuses: readonly RunStatus[],
  timeoutMs = 20_000,
): Promise<RunRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await getRunRow(ctx, publicId);
    if (statuses.includes(row.status)) return row;
    if (Date.now() > deadline) {
      throw new Error(
        `run ${publicId} is ${row.status}, not ${statuses.join("/")} after ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Waits until none of the processes is alive (a kill takes a moment to land). */
export async function waitForExit(pids: readonly number[], timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(processAlive)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** Polls a run's log until it matches `pattern` (the pipeline has reached that point). */
export async function waitForLog(
  ctx: AppContext,
  principal: Principal,
  publicId: string,
  pattern: RegExp,
  timeoutMs = 10_000,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await getRunLogs(ctx, { principal, runId: publicId, cursor: 0 });
    const match = pattern.exec(page.text);
    if (match) return match;
    if (Date.now() > deadline)
      throw new Error(`log of ${publicId} never matched ${pattern}: ${page.text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Run rows and queued jobs: a refused request must change neither. */
export async function countRunsAndJobs(ctx: AppContext) {
  const [rows] = await ctx.db.select({ n: count() }).from(runs);
  const jobs = await ctx.queue.getJobCountByTypes("waiting", "active", "delayed", "prioritized");
  return { rows: rows?.n ?? 0, jobs };
}
