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

/** When something reached a point of the log: `at` (Date.now()) once bytes up to `end` had. */
interface Reached {
  end: number;
  at: number;
}

/** The time of the first of `marks` (in order of `end`) that covers byte `end`. */
function reachedAt(marks: Reached[], end: number): number {
  let low = 0;
  let high = marks.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (marks[middle]!.end >= end) high = middle;
    else low = middle + 1;
  }
  return marks[low]?.at ?? NaN;
}

function spread(values: number[]) {
  const sorted = Float64Array.from(values.filter(Number.isFinite)).sort();
  return { p50: percentile(sorted, 50), max: sorted.at(-1) ?? NaN };
}

/**
 * Where the lag comes from, chunk by chunk (a stored run_logs row): from the time in its
 * first whole line (the oldest line in it) to its row being built (created_at, set by the
 * worker as it builds the INSERT), to the worker's announcement of it on the run's Redis
 * channel (after the INSERT answered; heard by this process), to the live reader's event
 * that carried it. Each stage's figure is cumulative: time since the line was written.
 */
async function measureStages(
  ctx: AppContext,
  runId: number,
  announced: Reached[],
  received: Reached[],
) {
  const chunks = await ctx.db
    .select({
      offset: runLogs.offset,
      length: runLogs.length,
      createdAt: runLogs.createdAt,
      head: sql<string>`SUBSTRING(${runLogs.content}, 1, 256)`,
    })
    .from(runLogs)
    .where(sql`${runLogs.runId} = ${runId} AND ${runLogs.stream} = 'stdout'`)
    .orderBy(runLogs.offset);
  const stored: number[] = [];
  const told: number[] = [];
  const got: number[] = [];
  for (const { offset, length, createdAt, head } of chunks) {
    const at = /(?:^|\n)\d{9} (\d{13}) x+\n/.exec(head);
    if (!at) continue;
    const written = Number(at[1]);
    stored.push(createdAt.getTime() - written);
    told.push(reachedAt(announced, offset + length) - written);
    got.push(reachedAt(received, offset + length) - written);
  }
  const bytes = chunks.map((c) => c.length);
  return {
    chunks: chunks.length,
    /** Bytes per stored chunk (each INSERT holds one or more). */
    chunkBytes: spread(bytes),
    stored: spread(stored),
    announced: spread(told),
    received: spread(got),
    /** Bytes per `log` event the reader got. */
    eventBytes: spread(received.map((r, i) => r.end - (received[i - 1]?.end ?? 0))),
  };
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
    const announced: Reached[] = [];
    const received: Reached[] = [];
    const unsubscribe = ctx.runNotifications.subscribe(id, (message) => {
      const { type, end } = JSON.parse(message) as { type: string; end?: number };
      if (type === "log" && end !== undefined) announced.push({ end, at: Date.now() });
    });
    try {
      await followRunLog(stack.baseUrl, auth, id, {
        onOpen: async () => {
          const released = await fetch(`${stack.baseUrl}/api/v1/runs/${id}/release`, {
            method: "POST",
            headers: { Authorization: auth },
          });
          if (!released.ok) throw new Error(`release: ${await released.text()}`);
        },
        onText: (text, at, end) => {
          checker.add(text, at);
          received.push({ end, at });
        },
      });
    } finally {
      clearInterval(sampler);
      unsubscribe();
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
      /** Line written → its chunk built, announced, received (ms, cumulative), by chunk. */
      stages: await measureStages(ctx, run!.id, announced, received),
    };
  } finally {
    await stopProcess(worker);
  }
}
