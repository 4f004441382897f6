import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { eq } from "drizzle-orm";
import { runAttempts, runs } from "@/db/schema";
import { isTerminal } from "@/lib/run-status";
import type { AppContext } from "@/server/context";
import { startLocalProcess } from "@/worker/executors/local-executor";
import { createLauncherPool, type LauncherPool } from "@/worker/executors/process-launcher";
import { submitRun } from "./bench-stack";
import { percentile } from "./stats";

/**
 * Submits `count` runs one after another, each when the worker is idle again, and
 * measures from just before the POST leaves to the moment the worker's spawn of the
 * pipeline process succeeded (run_attempts.started_at, same machine, same clock).
 * Stages from the rows' own timestamps: runs.created_at is taken as the web builds the
 * row, BEFORE its transaction commits (so the web's commit falls in the next stage);
 * runs.started_at as the worker sends its claim, before the claim commits.
 */
export async function measureLatency(
  ctx: AppContext,
  baseUrl: string,
  auth: string,
  count: number,
) {
  const samples: number[] = [];
  const stages = {
    requestToRowBuilt: [] as number[],
    rowBuiltToClaimSent: [] as number[],
    claimSentToExecd: [] as number[],
  };
  for (let i = 0; i < count + 5; i++) {
    const sent = Date.now();
    const config = { name: `latency ${i}`, steps: 1 };
    const id = await submitRun(baseUrl, auth, { pipeline: "hello@1.0.0", config });
    for (;;) {
      const [row] = await ctx.db
        .select({
          status: runs.status,
          createdAt: runs.createdAt,
          claimedAt: runs.startedAt,
          startedAt: runAttempts.startedAt,
          pid: runAttempts.pid,
        })
        .from(runs)
        .leftJoin(runAttempts, eq(runAttempts.runId, runs.id))
        .where(eq(runs.publicId, id));
      if (row && isTerminal(row.status)) {
        if (i >= 5 && row.startedAt && row.pid && row.claimedAt) {
          // (the first 5 warm up)
          samples.push(row.startedAt.getTime() - sent);
          stages.requestToRowBuilt.push(row.createdAt.getTime() - sent);
          stages.rowBuiltToClaimSent.push(row.claimedAt.getTime() - row.createdAt.getTime());
          stages.claimSentToExecd.push(row.startedAt.getTime() - row.claimedAt.getTime());
        }
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const median = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );
  return {
    /** Set by the caller: measureStartPaths. */
    startPaths: null as Awaited<ReturnType<typeof measureStartPaths>> | null,
    samples: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    min: sorted[0] ?? NaN,
    max: sorted.at(-1) ?? NaN,
    /** Medians of the stages, from the rows' timestamps (ms). */
    stages: {
      requestToRowBuilt: median(stages.requestToRowBuilt),
      rowBuiltToClaimSent: median(stages.rowBuiltToClaimSent),
      claimSentToExecd: median(stages.claimSentToExecd),
    },
  };
}

/**
 * The start of one command both ways, alternately, in this process: forked by spawn()
 * (as workers did) and exec'd by a waiting launcher (worker/executors/process-launcher.ts).
 * Each time is from the call to the moment the command runs (exec succeeded, as the
 * worker records it). Alternating keeps both under the same load of the machine.
 */
export async function measureStartPaths(count: number) {
  const pool = createLauncherPool({ size: 1 });
  const spec = {
    argv: [process.execPath, "-e", ""],
    cwd: tmpdir(),
    env: { PATH: "/usr/bin:/bin" },
  };
  const times = { spawn: [] as number[], launcher: [] as number[] };
  const startOnce = async (launchers?: LauncherPool) => {
    const began = performance.now();
    const child = startLocalProcess(spec, launchers);
    await child.startedAt;
    const ms = performance.now() - began;
    child.stdout.resume();
    child.stderr.resume();
    await child.exited;
    return ms;
  };
  try {
    await sleep(500); // the first launcher starts
    for (let i = 0; i < count; i++) {
      times.spawn.push(await startOnce());
      await sleep(100); // the launcher's replacement starts meanwhile, as between runs
      times.launcher.push(await startOnce(pool));
      await sleep(100);
    }
  } finally {
    pool.close();
  }
  const figures = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
  };
  return { samples: count, spawn: figures(times.spawn), launcher: figures(times.launcher) };
}
