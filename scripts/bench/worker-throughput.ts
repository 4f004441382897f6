import { readFileSync } from "node:fs";
import path from "node:path";
import { and, count, inArray, like, max, min, sql } from "drizzle-orm";
import { runs } from "@/db/schema";
import { TERMINAL_STATUSES } from "@/lib/run-status";
import type { AppContext } from "@/server/context";
import type { Stack } from "@/test/stack";
import { submitRun, withBenchStack } from "./bench-stack";
import { measureBigLog } from "./log-tail";
import { measureSpawnRate } from "./spawn-rate";
import { fmt } from "./stats";
import { stopProcess } from "./stop-process";

/** Runs per batch: enough for several seconds of work at each concurrency. */
const BATCHES = [
  { concurrency: 1, runs: 200 },
  { concurrency: 8, runs: 400 },
];
/** Seconds of bare spawns per concurrency, half before and half after the worker's turn. */
const SPAWN_SECONDS = 4;
const SUBMIT_CLIENTS = 16;
const NOOP_DEFINITION = path.resolve("test/fixtures/pipelines/noop/pipeline.json");

/** The noop pipeline's argv as the worker builds it (`node` = this Node binary). */
function noopArgv(): string[] {
  const { command } = JSON.parse(readFileSync(NOOP_DEFINITION, "utf8")) as { command: string[] };
  return command.map((arg, i) => (i === 0 && arg === "node" ? process.execPath : arg));
}

/** Submits `total` noop runs through the API with a few parallel clients. */
async function submitRuns(baseUrl: string, auth: string, prefix: string, total: number) {
  let next = 0;
  const client = async () => {
    while (next < total)
      await submitRun(baseUrl, auth, { pipeline: "noop", name: `${prefix}${next++}`, config: {} });
  };
  await Promise.all(Array.from({ length: SUBMIT_CLIENTS }, client));
}

async function countTerminal(ctx: AppContext, prefix: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(runs)
    .where(and(like(runs.name, `${prefix}%`), inArray(runs.status, [...TERMINAL_STATUSES])));
  return row?.n ?? 0;
}

/**
 * Trivial runs per second of one worker: with no worker running, `batch.runs` noop runs are
 * queued; then one worker with the given concurrency starts, and the runs' own
 * timestamps in MySQL give the time from the first claim to the last finish.
 */
async function measureTrivialRuns(
  stack: Stack,
  ctx: AppContext,
  auth: string,
  batch: { concurrency: number; runs: number },
) {
  // Other work on the machine changes both rates: the baseline is taken on both sides.
  const before = await measureSpawnRate(noopArgv(), batch.concurrency, SPAWN_SECONDS / 2);
  const prefix = `bench-noop-c${batch.concurrency}-`;
  await submitRuns(stack.baseUrl, auth, prefix, batch.runs);
  const started = performance.now();
  // No running quota: this measures the claim-and-spawn path, and the bench's one
  // submitter would otherwise be held to USER_MAX_RUNNING (8) and pay for its locks.
  const worker = stack.startWorker({
    WORKER_CONCURRENCY: String(batch.concurrency),
    USER_MAX_RUNNING: "0",
  });
  const deadline = Date.now() + 90_000;
  while ((await countTerminal(ctx, prefix)) < batch.runs) {
    if (Date.now() > deadline) throw new Error(`${prefix}: runs still not finished after 90 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const wallSeconds = (performance.now() - started) / 1000;
  await stopProcess(worker);
  const after = await measureSpawnRate(noopArgv(), batch.concurrency, SPAWN_SECONDS / 2);
  const spawns = before.spawns + after.spawns;
  const spawnSeconds = before.seconds + after.seconds;
  const spawn = { ...before, spawns, seconds: spawnSeconds, perSecond: spawns / spawnSeconds };
  const [row] = await ctx.db
    .select({
      first: min(runs.startedAt),
      last: max(runs.finishedAt),
      succeeded: sql<string>`SUM(${runs.status} = 'succeeded')`,
    })
    .from(runs)
    .where(like(runs.name, `${prefix}%`));
  const seconds = (row!.last!.getTime() - row!.first!.getTime()) / 1000;
  const perSecond = batch.runs / seconds;
  return {
    concurrency: batch.concurrency,
    runs: batch.runs,
    succeeded: Number(row!.succeeded),
    /** From the first run's claim (runs.started_at) to the last run's finished_at: no worker boot. */
    seconds,
    perSecond,
    /** From the worker's start until every run was terminal (includes the worker's boot). */
    wallSeconds,
    /** The same command spawned bare, with the same concurrency, just before and just after. */
    spawn,
    /** perSecond ÷ spawn.perSecond (target ≥ 0.4). */
    ratio: perSecond / spawn.perSecond,
  };
}

/**
 * Part (f): a stack of its own (web only; the bench starts each worker itself, with the
 * fixture pipelines), trivial runs at concurrency 1 and 8, then one 100 MiB log; with
 * `trivial` false, the 100 MiB log alone (part `tail`).
 */
export function measureWorker(outDir: string, trivialRuns = true) {
  const pipelines = [path.resolve("pipelines"), path.resolve("test/fixtures/pipelines")];
  const env = { PIPELINES_PATH: pipelines.join(":") };
  const options = { outDir, username: "bench-worker", processes: ["web" as const], env };
  return withBenchStack(options, async ({ stack, ctx, auth }) => {
    const trivial = [];
    for (const batch of trivialRuns ? BATCHES : [])
      trivial.push(await measureTrivialRuns(stack, ctx, auth, batch));
    return { trivial, bigLog: await measureBigLog(stack, ctx, auth) };
  });
}

type WorkerFigures = Awaited<ReturnType<typeof measureWorker>>;

export function workerRows(figures: WorkerFigures): string[][] {
  const rows: string[][] = [];
  for (const t of figures.trivial) {
    const c = `c=${t.concurrency}`;
    rows.push([`(f) noop runs/s, one worker, ${c}`, `${fmt(t.perSecond)} /s`, ""]);
    rows.push([`(f) bare spawns/s of the same command, ${c}`, `${fmt(t.spawn.perSecond)} /s`, ""]);
    rows.push([`(f) ratio runs / spawns, ${c}`, fmt(t.ratio, 2), "target ≥ 0.4"]);
  }
  const b = figures.bigLog;
  const mib = (n: number) => `${fmt(n / 1048576)} MiB`;
  rows.push([
    `(f) ${mib(b.expectedBytes)} stdout run: stdout bytes stored`,
    `${b.storedStdoutBytes} B`,
    `written ${b.expectedBytes} B${b.storedStdoutBytes === b.expectedBytes ? "" : " — MISMATCH"}`,
  ]);
  rows.push([
    "(f) worker peak RSS during that run (VmHWM)",
    mib(b.workerPeakRssBytes),
    "target ≤ 250 MB (238 MiB)",
  ]);
  rows.push(["(f) live tail lag p50", `${fmt(b.lag.p50, 0)} ms`, "target ≤ 1 s"]);
  rows.push(["(f) live tail lag max", `${fmt(b.lag.max, 0)} ms`, "target ≤ 1 s"]);
  return rows;
}

export function workerDetail(figures: WorkerFigures): string {
  const lines = figures.trivial.map(
    (t) =>
      `(f) c=${t.concurrency}: ${t.succeeded}/${t.runs} noop runs succeeded in ${fmt(t.seconds, 2)} s (first claim → last finish; ${fmt(t.wallSeconds, 2)} s with the worker's boot); ${t.spawn.spawns} bare spawns in ${fmt(t.spawn.seconds, 2)} s (half before, half after)`,
  );
  const b = figures.bigLog;
  const s = b.stages;
  const kib = (n: number) => `${fmt(n / 1024, 0)} KiB`;
  const stage = (x: { p50: number; max: number }) => `${fmt(x.p50, 0)} / ${fmt(x.max, 0)}`;
  lines.push(
    `(f) big log: run ${b.status} in ${fmt(b.runSeconds, 1)} s (${fmt(b.expectedBytes / 1048576 / b.runSeconds)} MiB/s); runs.log_bytes ${b.logBytes}, of which stdout ${b.storedStdoutBytes}; the live reader got ${b.linesInOrder}/${b.lines} lines in order, ${b.otherLines} other lines`,
    `    worker RSS: ${fmt(b.workerRssBeforeBytes / 1048576)} MiB before, max sampled every 50 ms ${fmt(b.workerMaxSampledRssBytes / 1048576)} MiB; tail lag p90 ${fmt(b.lag.p90, 0)} ms, p99 ${fmt(b.lag.p99, 0)} ms over ${b.lag.samples} lines`,
    `    the pipeline wrote for ${fmt(b.writeSeconds, 2)} s, the live reader read for ${fmt(b.readSeconds, 2)} s`,
    `    by stage, a chunk's first line written → (p50 / max ms, cumulative, ${s.chunks} chunks of p50 ${kib(s.chunkBytes.p50)}, max ${kib(s.chunkBytes.max)}; events of p50 ${kib(s.eventBytes.p50)}, max ${kib(s.eventBytes.max)}): row built ${stage(s.stored)}; stored and announced ${stage(s.announced)}; received by the live reader ${stage(s.received)}`,
  );
  return lines.join("\n");
}
