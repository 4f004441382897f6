// Part `slurm` (issue 13): trivial runs through a real Slurm by the real worker process,
// beside bare `sbatch --wrap` jobs on the same cluster; the Slurm commands the worker runs
// while 200 of its jobs are in the queue; submit → job running latency.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { and, count, eq, inArray, like, max } from "drizzle-orm";
import { runAttempts, runs } from "@/db/schema";
import { TERMINAL_STATUSES } from "@/lib/run-status";
import type { AppContext } from "@/server/context";
import { createApiToken } from "@/server/users/create-api-token";
import { slurmMissing, startTestSlurm, type TestSlurm } from "@/test/slurm";
import { submitRun, withBenchStack } from "./bench-stack";
import { fmt, median, percentile } from "./stats";
import { stopProcess } from "./stop-process";

const JOBS = 200;
const SUBMIT_CLIENTS = 16;
/** Slurm's CPUs on the one node: the trivial jobs use next to none (config_overrides). */
const CPUS = 16;
const POLL_SECONDS = 1;
/** Runs submitted one after another, each once the previous one ended (no queue). */
const SINGLE_RUNS = 20;
/** How long the commands are counted while 200 jobs are in the queue. */
const WINDOW_SECONDS = 20;
const COMMANDS = ["sbatch", "squeue", "scancel", "sacct", "scontrol", "sinfo"] as const;

interface BareFigures {
  seconds: number;
  perSecond: number;
  latency: { p50: number; p99: number };
}

export interface SlurmFigures {
  jobs: number;
  cpus: number;
  pollSeconds: number;
  bare: BareFigures;
  /** The same bare jobs with the sbatch options Runport gives them (RUNPORT_OPTIONS). */
  bareWithOptions: BareFigures;
  runport: {
    seconds: number;
    perSecond: number;
    succeeded: number;
    latency: { p50: number; p99: number };
    /** Medians, ms: POST → claimed by the worker → sbatch answered → job running → finished. */
    stages: Record<string, number>;
    /** Commands the worker ran during the batch, by name. */
    commands: Record<string, number>;
  };
  /** Submit → job running of runs one at a time on the idle cluster (no queue). */
  single: { runs: number; latency: { p50: number; p99: number } };
  /** runport.perSecond ÷ bare.perSecond (target ≥ 0.8). */
  ratio: number;
  /** runport.perSecond ÷ bareWithOptions.perSecond: Runport's own share of the cost. */
  ratioSameOptions: number;
  /** With `active` jobs of the worker in Slurm's queue for `seconds`: commands per minute. */
  busy: { active: number; seconds: number; perMinute: Record<string, number>; perPoll: number };
  /** With no job: the worker's `scontrol ping` every 5 s. */
  idle: { seconds: number; perMinute: Record<string, number> };
}

/** A folder of wrappers that log each call (one line: its name) and run the real command. */
function commandLog(dir: string): { binDir: string; counts: () => Record<string, number> } {
  const binDir = path.join(dir, "bin");
  const log = path.join(dir, "commands.log");
  mkdirSync(binDir);
  writeFileSync(log, "");
  for (const name of COMMANDS) {
    const file = path.join(binDir, name);
    writeFileSync(file, `#!/bin/sh\necho ${name} >> '${log}'\nexec /usr/bin/${name} "$@"\n`);
    chmodSync(file, 0o755);
  }
  const counts = () => {
    const result: Record<string, number> = Object.fromEntries(COMMANDS.map((c) => [c, 0]));
    for (const line of readFileSync(log, "utf8").split("\n")) if (line) result[line]! += 1;
    return result;
  };
  return { binDir, counts };
}

const minus = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]));

/** A pipeline folder: `command` as a Slurm job of one CPU. */
function writePipeline(root: string, name: string, command: string[]): void {
  const dir = path.join(root, name);
  mkdirSync(dir);
  const definition = {
    name,
    version: "1.0.0",
    title: `${name} (bench)`,
    command,
    schema: { type: "object" },
    timeoutSeconds: 600,
    executor: "slurm",
    slurm: { cpus: 1 },
  };
  writeFileSync(path.join(dir, "pipeline.json"), JSON.stringify(definition));
}

/** The epoch in ms from `date +%s%N` output (the job's first line). */
const startedMs = (text: string) => Number(BigInt(text.trim().split("\n")[0]!) / 1_000_000n);

const latencyOf = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/**
 * The sbatch options Runport gives the bench's jobs (worker/executors/slurm-executor.ts and
 * the pipeline's: 600 s → --time=10, cpus 1), for bare jobs that differ only in the script.
 */
const RUNPORT_OPTIONS = ["--export=ALL", "--time=10", "--cpus-per-task=1", "--no-requeue"];

/** 200 bare jobs, one sbatch after another, as a script would submit them. */
async function bareJobs(slurm: TestSlurm, dir: string, options: string[] = []) {
  const env = { ...process.env, ...slurm.env };
  const out = path.join(dir, `bare${options.length}`);
  mkdirSync(out);
  const submitted = new Map<string, number>();
  const first = Date.now();
  for (let i = 0; i < JOBS; i++) {
    const at = Date.now();
    const result = spawnSync(
      "sbatch",
      [
        "--parsable",
        "--job-name=bare-bench",
        `--output=${out}/%j.out`,
        ...options,
        "--wrap",
        "date +%s%N",
      ],
      { env, encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(`sbatch: ${result.stderr}`);
    submitted.set(result.stdout.trim(), at);
  }
  const active = () =>
    spawnSync(
      "squeue",
      ["--noheader", "--name=bare-bench", "--states=PENDING,RUNNING,COMPLETING", "--format=%i"],
      { env, encoding: "utf8" },
    ).stdout.trim();
  while (active() !== "") await sleep(100);
  const seconds = (Date.now() - first) / 1000;
  const latency = [...submitted].map(
    ([id, at]) => startedMs(readFileSync(path.join(out, `${id}.out`), "utf8")) - at,
  );
  return { seconds, perSecond: JOBS / seconds, latency: latencyOf(latency) };
}

async function countTerminal(ctx: AppContext, prefix: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(runs)
    .where(and(like(runs.name, `${prefix}%`), inArray(runs.status, [...TERMINAL_STATUSES])));
  return row?.n ?? 0;
}

/** Submits `JOBS` runs with a few parallel clients; each run's id and submit time (epoch ms). */
async function submitMany(baseUrl: string, auth: string, pipeline: string, prefix: string) {
  const submitted = new Map<string, number>();
  let next = 0;
  const client = async () => {
    while (next < JOBS) {
      const name = `${prefix}${next++}`;
      const at = Date.now();
      submitted.set(await submitRun(baseUrl, auth, { pipeline, name, config: {} }), at);
    }
  };
  await Promise.all(Array.from({ length: SUBMIT_CLIENTS }, client));
  return submitted;
}

/**
 * Part `slurm`: a Slurm cluster of its own (one node, CPUS CPUs) and a stack (web only)
 * whose one worker, started by the bench, submits through wrappers that count its Slurm
 * commands. Needs the build, MySQL, Redis and Slurm's packages.
 */
export async function measureSlurm(outDir: string): Promise<SlurmFigures | null> {
  const missing = slurmMissing();
  if (missing) {
    console.log(`(slurm) ${missing}`);
    return null;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "runport-bench-slurm-"));
  const slurm = await startTestSlurm({ cpus: CPUS });
  try {
    const { binDir, counts } = commandLog(dir);
    const pipelines = path.join(dir, "pipelines");
    mkdirSync(pipelines);
    writePipeline(pipelines, "slurm-trivial", ["date", "+%s%N"]);
    writePipeline(pipelines, "slurm-sleep", ["sleep", "120"]);
    const bare = await bareJobs(slurm, dir);
    const bareWithOptions = await bareJobs(slurm, dir, RUNPORT_OPTIONS);
    const env = { PIPELINES_PATH: pipelines, ...slurm.env };
    const options = { outDir, username: "bench-slurm", processes: ["web" as const], env };
    return await withBenchStack(options, async ({ stack, ctx }) => {
      // A token, as scripts use: 200 parallel password checks would look like guessing.
      const { token } = await createApiToken(ctx, { username: "bench-slurm", name: "bench" });
      const auth = `Bearer ${token}`;
      // Every run of the batch may wait in Slurm at once: a slot each, no running quota.
      const worker = stack.startWorker({
        PATH: `${binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        WORKER_CONCURRENCY: String(JOBS),
        USER_MAX_RUNNING: "0",
        SLURM_POLL_SECONDS: String(POLL_SECONDS),
      });
      try {
        await sleep(3000); // the worker's start (migrations, pipelines, Redis)
        const idleFrom = counts();
        const idleStart = Date.now();
        await sleep(10_000);
        const idleSeconds = (Date.now() - idleStart) / 1000;
        const idle = {
          seconds: idleSeconds,
          perMinute: perMinute(minus(counts(), idleFrom), idleSeconds),
        };

        // (1) 200 trivial runs, submitted through the API, until all are terminal.
        const before = counts();
        const first = Date.now();
        const submitted = await submitMany(stack.baseUrl, auth, "slurm-trivial", "trivial-");
        const deadline = Date.now() + 300_000;
        while ((await countTerminal(ctx, "trivial-")) < JOBS) {
          if (Date.now() > deadline) throw new Error("trivial runs not finished after 300 s");
          await sleep(100);
        }
        const [last] = await ctx.db
          .select({ at: max(runs.finishedAt) })
          .from(runs)
          .where(like(runs.name, "trivial-%"));
        const seconds = (last!.at!.getTime() - first) / 1000;
        const [ok] = await ctx.db
          .select({ n: count() })
          .from(runs)
          .where(and(like(runs.name, "trivial-%"), inArray(runs.status, ["succeeded"])));
        const jobStart = new Map(
          [...submitted.keys()].map((id) => {
            const file = path.join(stack.runsDir, id, "attempt-1", "runport-stdout.log");
            return [id, startedMs(readFileSync(file, "utf8"))];
          }),
        );
        const latency = [...submitted].map(([id, at]) => jobStart.get(id)! - at);
        // Where the time goes, per run (medians): the run's own timestamps in MySQL.
        const times = await ctx.db
          .select({
            id: runs.publicId,
            claimed: runs.startedAt,
            submitted: runAttempts.startedAt,
            finished: runs.finishedAt,
          })
          .from(runs)
          .innerJoin(runAttempts, eq(runAttempts.runId, runs.id))
          .where(like(runs.name, "trivial-%"));
        const stage = (pick: (t: (typeof times)[number]) => number) => median(times.map(pick));
        const stages = {
          postToClaimed: stage((t) => t.claimed!.getTime() - submitted.get(t.id)!),
          claimedToSbatched: stage((t) => t.submitted.getTime() - t.claimed!.getTime()),
          sbatchedToRunning: stage((t) => jobStart.get(t.id)! - t.submitted.getTime()),
          runningToFinished: stage((t) => t.finished!.getTime() - jobStart.get(t.id)!),
        };
        const runport = {
          seconds,
          perSecond: JOBS / seconds,
          succeeded: ok?.n ?? 0,
          latency: latencyOf(latency),
          stages,
          commands: minus(counts(), before),
        };

        // (1b) One run at a time on the idle cluster: submit → job running without a queue.
        const alone: number[] = [];
        for (let i = 0; i < SINGLE_RUNS; i++) {
          const at = Date.now();
          const id = await submitRun(stack.baseUrl, auth, {
            pipeline: "slurm-trivial",
            name: `single-${i}`,
            config: {},
          });
          const until = Date.now() + 60_000;
          while ((await countTerminal(ctx, `single-${i}`)) < 1) {
            if (Date.now() > until) throw new Error(`single-${i} not finished after 60 s`);
            await sleep(50);
          }
          const file = path.join(stack.runsDir, id, "attempt-1", "runport-stdout.log");
          alone.push(startedMs(readFileSync(file, "utf8")) - at);
        }
        const single = { runs: SINGLE_RUNS, latency: latencyOf(alone) };

        // (2) 200 jobs that stay in the queue (16 running, the rest pending): the commands.
        const sbatched = counts().sbatch!;
        await submitMany(stack.baseUrl, auth, "slurm-sleep", "sleep-");
        const inQueue = Date.now() + 120_000;
        while (counts().sbatch! < sbatched + JOBS) {
          if (Date.now() > inQueue) throw new Error("200 sleep jobs not submitted after 120 s");
          await sleep(200);
        }
        await sleep(2 * POLL_SECONDS * 1000); // every job watched
        const from = counts();
        const windowStart = Date.now();
        await sleep(WINDOW_SECONDS * 1000);
        const windowSeconds = (Date.now() - windowStart) / 1000;
        const used = minus(counts(), from);
        const busy = {
          active: JOBS,
          seconds: windowSeconds,
          perMinute: perMinute(used, windowSeconds),
          perPoll: Object.values(used).reduce((a, b) => a + b, 0) / (windowSeconds / POLL_SECONDS),
        };
        return {
          jobs: JOBS,
          cpus: CPUS,
          pollSeconds: POLL_SECONDS,
          bare,
          bareWithOptions,
          runport,
          single,
          ratio: runport.perSecond / bare.perSecond,
          ratioSameOptions: runport.perSecond / bareWithOptions.perSecond,
          busy,
          idle,
        };
      } finally {
        // SIGTERM: the worker lets its jobs run on (as on a restart); Slurm goes next.
        await stopProcess(worker);
      }
    });
  } finally {
    await slurm.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function perMinute(counts: Record<string, number>, seconds: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([name, n]) => [name, (n * 60) / seconds]),
  );
}

const show = (perMinute: Record<string, number>) =>
  Object.entries(perMinute)
    .map(([name, n]) => `${name} ${fmt(n)}`)
    .join(", ") || "none";

export function slurmRows(f: SlurmFigures): string[][] {
  return [
    [`(slurm) ${f.jobs} bare sbatch --wrap jobs per s`, fmt(f.bare.perSecond, 2), ""],
    [
      `(slurm) ${f.jobs} bare jobs with Runport's sbatch options per s`,
      fmt(f.bareWithOptions.perSecond, 2),
      "",
    ],
    [
      `(slurm) ${f.jobs} trivial runs through the worker per s`,
      fmt(f.runport.perSecond, 2),
      `ratio ${fmt(f.ratio, 2)} (target ≥ 0.8); ${fmt(f.ratioSameOptions, 2)} of the same options`,
    ],
    [
      `(slurm) submit → job running p50 / p99, one run at a time (${f.single.runs})`,
      `${fmt(f.single.latency.p50, 0)} / ${fmt(f.single.latency.p99, 0)} ms`,
      "",
    ],
    [
      "(slurm) submit → job running p50 / p99, Runport, 200 at once",
      `${fmt(f.runport.latency.p50, 0)} / ${fmt(f.runport.latency.p99, 0)} ms`,
      "",
    ],
    [
      "(slurm) submit → job running p50 / p99, bare sbatch, 200",
      `${fmt(f.bare.latency.p50, 0)} / ${fmt(f.bare.latency.p99, 0)} ms`,
      "",
    ],
    [
      "(slurm) submit → job running p50 / p99, bare, Runport's options, 200",
      `${fmt(f.bareWithOptions.latency.p50, 0)} / ${fmt(f.bareWithOptions.latency.p99, 0)} ms`,
      "",
    ],
    [
      `(slurm) commands per poll (${f.pollSeconds} s), ${f.busy.active} jobs in the queue`,
      fmt(f.busy.perPoll, 2),
      "target ≤ 2, constant",
    ],
  ];
}

export function slurmDetail(f: SlurmFigures): string {
  return [
    `\n(slurm) one node, ${f.cpus} CPUs (config_overrides), SLURM_POLL_SECONDS=${f.pollSeconds}, ${JOBS} jobs of \`date +%s%N\`:`,
    `    bare: ${fmt(f.bare.seconds)} s from the first sbatch to the queue empty (${RUNPORT_OPTIONS.join(" ")}: ${fmt(f.bareWithOptions.seconds)} s); Runport: ${fmt(f.runport.seconds)} s from the first POST to the last finished_at (${f.runport.succeeded} succeeded)`,
    `    Runport by stage (medians): POST → claimed ${fmt(f.runport.stages.postToClaimed!, 0)} ms, → sbatch answered ${fmt(f.runport.stages.claimedToSbatched!, 0)} ms, → job running ${fmt(f.runport.stages.sbatchedToRunning!, 0)} ms, → run finished ${fmt(f.runport.stages.runningToFinished!, 0)} ms`,
    `    Runport's commands during its batch: ${Object.entries(f.runport.commands)
      .filter(([, n]) => n > 0)
      .map(([name, n]) => `${name} ${n}`)
      .join(", ")}`,
    `    per minute with ${f.busy.active} jobs in the queue (${fmt(f.busy.seconds)} s): ${show(f.busy.perMinute)}`,
    `    per minute with no job (${fmt(f.idle.seconds)} s): ${show(f.idle.perMinute)}`,
  ].join("\n");
}
