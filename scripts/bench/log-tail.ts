import { eq, sql } from "drizzle-orm";
import { runLogs, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import type { Stack } from "@/test/stack";
import { submitRun } from "./bench-stack";
import { FLOOD_LINE_BYTES, floodLineChecker } from "./flood-lines";
import { followRunLog } from "./follow-run-log";
import { statusBytes } from "./rss";
import { percentile } from "./stats";
import { stopProcess } from "./stop-process";

const LINES = 1_048_576; // × 100 bytes = 100 MiB

/**
 * How far behind the pipeline the stored log is: for each stdout chunk, its created_at
 * (set by the worker as it builds the INSERT) minus the time in its first whole line.
 */
async function measureStoreLag(ctx: AppContext, runId: number) {
  const chunks = await ctx.db
    .select({
      createdAt: runLogs.createdAt,
      head: sql<string>`SUBSTRING(${runLogs.content}, 1, 256)`,
    })
    .from(runLogs)
    .where(sql`${runLogs.runId} = ${runId} AND ${runLogs.stream} = 'stdout'`);
  const lags: number[] = [];
  for (const { createdAt, head } of chunks) {
    const at = /(?:^|\n)\d{9} (\d{13}) x+\n/.exec(head);
    if (at) lags.push(createdAt.getTime() - Number(at[1]));
  }
  const sorted = Float64Array.from(lags).sort();
  return { chunks: chunks.length, p50: percentile(sorted, 50), max: sorted.at(-1) ?? NaN };
}

async function waitForWorker(baseUrl: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${baseUrl}/api/health`)).json()) as {
      workers: { count: number };
    };
    if (health.workers.count > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the worker did not send a heartbeat within 30 s");
}

/**
 * One run printing 100 MiB to stdout as fast as it can, on a fresh worker: the whole
 * log is stored, the worker's peak RSS, and the lag of a live reader. The run is
 * submitted held and released once the reader follows it, so no line predates the reader.
 */
export async function measureBigLog(stack: Stack, ctx: AppContext, auth: string) {
  const worker = stack.startWorker({ WORKER_CONCURRENCY: "2" });
  const pid = worker.pid!;
  try {
    await waitForWorker(stack.baseUrl);
    const flood = { pipeline: "log-flood", config: { lines: LINES }, hold: true };
    const id = await submitRun(stack.baseUrl, auth, flood);

    const workerRssBeforeBytes = statusBytes(pid, "VmRSS");
    let maxSampled = workerRssBeforeBytes;
    const sampler = setInterval(() => {
      maxSampled = Math.max(maxSampled, statusBytes(pid, "VmRSS"));
    }, 50);
    const checker = floodLineChecker(LINES);
    try {
      await followRunLog(stack.baseUrl, auth, id, {
        onOpen: async () => {
          const released = await fetch(`${stack.baseUrl}/api/v1/runs/${id}/release`, {
            method: "POST",
            headers: { Authorization: auth },
          });
          if (!released.ok) throw new Error(`release: ${await released.text()}`);
        },
        onText: (text, at) => checker.add(text, at),
      });
    } finally {
      clearInterval(sampler);
    }
    const workerPeakRssBytes = statusBytes(pid, "VmHWM");
    const [run] = await ctx.db.select().from(runs).where(eq(runs.publicId, id));
    const [stored] = await ctx.db
      .select({ bytes: sql<string>`COALESCE(SUM(${runLogs.length}), 0)` })
      .from(runLogs)
      .where(sql`${runLogs.runId} = ${run!.id} AND ${runLogs.stream} = 'stdout'`);
    const { inOrder, other, lag, writeSeconds, readSeconds } = checker.result();
    return {
      lines: LINES,
      /** What the pipeline wrote to stdout: lines × 100 bytes, exactly. */
      expectedBytes: LINES * FLOOD_LINE_BYTES,
      /** SUM(run_logs.length) of the stdout chunks. */
      storedStdoutBytes: Number(stored?.bytes ?? 0),
      /** runs.log_bytes: stdout plus the worker's own [runport] lines. */
      logBytes: run!.logBytes,
      status: run!.status,
      runSeconds: (run!.finishedAt!.getTime() - run!.startedAt!.getTime()) / 1000,
      /** Lines the live reader received whole, numbered 1, 2, 3, … without a gap. */
      linesInOrder: inOrder,
      /** Other complete lines in the stream (the worker's [runport] lines). */
      otherLines: other,
      workerRssBeforeBytes,
      workerMaxSampledRssBytes: maxSampled,
      /** VmHWM of the worker (started for this run) at its end: the true peak. */
      workerPeakRssBytes,
      lag,
      /** Seconds between the first and the last line's time of writing, and of reading. */
      writeSeconds,
      readSeconds,
      /** The storage side alone: a chunk's first line written → the chunk's insert (created_at). */
      storeLag: await measureStoreLag(ctx, run!.id),
    };
  } finally {
    await stopProcess(worker);
  }
}
