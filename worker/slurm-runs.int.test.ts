import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAttempts, runEvents, runOutputs, type RunRow } from "@/db/schema";
import type { AppContext } from "@/server/context";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { cancelRun } from "@/server/runs/cancel-run";
import { getOperations } from "@/server/operations/get-operations";
import { getRunLogs } from "@/server/runs/get-run-logs";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit, waitForLog, waitForStatus } from "@/test/runs";
import { slurmMissing, startTestSlurm, type TestSlurm } from "@/test/slurm";
import { scancel, squeueStates } from "./executors/slurm-commands";
import { startWorker, type WorkerHandle } from "./start-worker";

const missing = slurmMissing();
if (missing) console.warn(missing);

let slurm: TestSlurm;
let ctx: AppContext;
let worker: WorkerHandle;
let alice: TestUser;
let runsDir: string;
let pipelines: LoadedPipeline[];

beforeAll(async () => {
  if (missing) return;
  slurm = await startTestSlurm();
  // RUNS_DIR must be seen by the compute nodes: here the one node is this machine.
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-slurm-runs-"));
  ctx = createTestContext({
    runsDir,
    cancelGraceSeconds: 1,
    workerConcurrency: 4,
    workerDrainSeconds: 2,
    slurm: { conf: slurm.env.SLURM_CONF, pollMs: 250, lostAfterMs: 5000 },
  });
  pipelines = await registerPipelines(ctx, [path.resolve("test/fixtures/slurm-pipelines")]);
  alice = await createTestUser(ctx);
  worker = startWorker(ctx, pipelines);
}, 30_000);

afterAll(async () => {
  if (missing) return;
  await worker.stop();
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  await slurm.stop();
  rmSync(runsDir, { recursive: true, force: true });
});

/** Polls `check` until true; fails naming `what` after `ms` (not at vitest's bare timeout). */
async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const commands = () => ({ env: { PATH: "/usr/bin:/bin", ...slurm.env } });

/**
 * Cancels whatever Slurm still holds (an earlier test's jobs: one ended by TIMEOUT or
 * scancel may still be completing on a busy machine and hold a CPU) and waits until the
 * node runs nothing, so that the next test's jobs start at once.
 */
async function clearNode(): Promise<void> {
  const env = { ...process.env, ...commands().env };
  const run = (command: string, args: string[]) =>
    spawnSync(command, args, { env, encoding: "utf8" }).stdout ?? "";
  const jobs = () =>
    run("squeue", ["--noheader", "--format=%i"])
      .split("\n")
      .filter((id) => /^\d+$/.test(id.trim()));
  const left = jobs();
  if (left.length > 0) run("scancel", left);
  await until(
    "an idle Slurm node",
    () => {
      if (jobs().length > 0) return Promise.resolve(false);
      const state = run("sinfo", ["--noheader", "--nodes=localhost", "--format=%T"]).trim();
      // A job killed on a busy machine may leave the node draining ("Kill task failed"):
      // give it back, as an operator would.
      if (/drain/i.test(state)) run("scontrol", ["update", "NodeName=localhost", "State=RESUME"]);
      return Promise.resolve(state === "idle");
    },
    90_000,
  );
}
const ENDED = ["succeeded", "failed", "error", "cancelled"] as const;

describe.skipIf(missing)("runs of an executor: slurm pipeline on a real Slurm", () => {
  /** A run over its time limit, ended by Slurm while the next tests run (see below). */
  let overLimit: { id: string; ended: Promise<RunRow | Error> } | undefined;

  it("starts a run whose job then goes over its time limit", async () => {
    const id = await submit(ctx, alice.principal, "slurm-probe", { sleepSeconds: 120 });
    await waitForLog(ctx, alice.principal, id, /probe started/, 30_000);
    const run = await getRunRow(ctx, id);
    const [attempt] = await ctx.db.select().from(runAttempts).where(eq(runAttempts.runId, run.id));
    // Slurm counts limits in minutes (--time=1 at least): a limit of 0 minutes set on the
    // running job puts it over at once. slurmctld checks limits every 30 s (PERIODIC_TIMEOUT):
    // awaited three tests later, so that the wait overlaps them (one job each: the node has
    // two CPUs, the queue test after it needs both).
    const update = spawnSync(
      "scontrol",
      ["update", `JobId=${attempt!.slurmJobId}`, "TimeLimit=0"],
      { env: { ...process.env, ...commands().env }, encoding: "utf8" },
    );
    expect(update.status, update.stderr).toBe(0);
    overLimit = {
      id,
      ended: waitForStatus(ctx, id, ENDED, 60_000).catch((error: Error) => error),
    };
  });

  it("succeeds with its exit code, live log, progress, outputs and job id; argv arrives intact", async () => {
    const id = await submit(ctx, alice.principal, "slurm-probe", { hpcAccount: "proj_42" });
    const run = await waitForStatus(ctx, id, ENDED, 30_000);
    expect(run).toMatchObject({ status: "succeeded", exitCode: 0, progressPercent: 42.5 });
    const [attempt] = await ctx.db.select().from(runAttempts).where(eq(runAttempts.runId, run.id));
    expect(attempt).toMatchObject({ outcome: "succeeded", exitCode: 0, pid: null });
    expect(attempt?.slurmJobId).toMatch(/^\d+$/);
    const log = await getRunLogs(ctx, { principal: alice.principal, runId: id, cursor: 0 });
    expect(log.text).toContain(`submitted to Slurm as job ${attempt?.slurmJobId}`);
    expect(log.text).toContain("probe started");
    expect(log.text).toContain("to stderr");
    const outputs = await ctx.db.select().from(runOutputs).where(eq(runOutputs.runId, run.id));
    expect(outputs.map((o) => o.path)).toEqual(["report.json"]);
    const report = JSON.parse(
      readFileSync(path.join(runsDir, id, "attempt-1", "outputs", "report.json"), "utf8"),
    ) as { argv: string[]; env: Record<string, string> };
    expect(report.argv.slice(1)).toEqual([
      "$(touch /tmp/runport-pwned)",
      "'; touch /tmp/runport-pwned; '",
      'a"b\\c`id` $HOME\nsecond line',
      "--time=1",
    ]);
    expect(report.env).toMatchObject({ RUNPORT_RUN_ID: id, RUNPORT_ATTEMPT: "1" });
    expect(Object.keys(report.env).filter((k) => k.startsWith("SLURM_"))).toEqual([]);
    // --account from the config's hpcAccount (pipeline.json slurm.runOptions).
    const jobs = readFileSync(path.join(slurm.dir, "jobcomp.log"), "utf8");
    expect(jobs).toMatch(new RegExp(`JobId=${attempt?.slurmJobId} .*Account=proj_42`));
  });

  it("fails with the pipeline's non-zero exit code", async () => {
    const id = await submit(ctx, alice.principal, "slurm-probe", { exitCode: 3 });
    const run = await waitForStatus(ctx, id, ENDED, 30_000);
    expect(run).toMatchObject({ status: "failed", exitCode: 3 });
  });

  it("ends in error with Slurm's reason when the job is cancelled from outside Runport", async () => {
    const id = await submit(ctx, alice.principal, "slurm-probe", { sleepSeconds: 120 });
    await waitForLog(ctx, alice.principal, id, /probe started/, 30_000);
    const run = await getRunRow(ctx, id);
    const [attempt] = await ctx.db.select().from(runAttempts).where(eq(runAttempts.runId, run.id));
    // The Operations page shows the job from what the worker published (no Slurm command).
    const admin = await createTestUser(ctx, "admin");
    const view = async () => (await getOperations(ctx, { principal: admin.principal })).slurm;
    await until("the job in the published Slurm queue", async () =>
      Boolean((await view())?.jobs.some((j) => j.runId === id && j.state === "RUNNING")),
    );
    const shown = (await view())?.jobs.find((j) => j.runId === id);
    expect(shown).toMatchObject({
      jobId: attempt!.slurmJobId,
      attempt: 1,
      workerId: worker.workerId,
      node: "localhost",
    });
    expect(shown?.elapsed).toMatch(/^\d+:\d\d$/);
    expect((await view())?.workers).toEqual([
      expect.objectContaining({ answers: true, error: null }),
    ]);
    await scancel(attempt!.slurmJobId!, commands());
    const ended = await waitForStatus(ctx, id, ENDED, 30_000);
    expect(ended).toMatchObject({ status: "error", error: "ended by Slurm: CANCELLED" });
  });

  it("ends a run over its Slurm time limit in error with the reason (TIMEOUT)", async () => {
    const ended = await overLimit!.ended;
    if (ended instanceof Error) throw ended;
    expect(ended).toMatchObject({ status: "error", error: "ended by Slurm: TIMEOUT (TimeLimit)" });
    const log = await getRunLogs(ctx, {
      principal: alice.principal,
      runId: overLimit!.id,
      cursor: 0,
    });
    expect(log.text).toContain("Slurm job TIMEOUT (TimeLimit)");
  }, 60_000);

  it("shows a job waiting in the queue with its reason, cleared once it runs; cancels it PENDING and RUNNING with scancel", async () => {
    // The node has 2 CPUs and each job asks for 1: the third and fourth wait (Resources).
    await clearNode();
    const quiet = { sleepSeconds: 120, progress: false };
    const running = [
      await submit(ctx, alice.principal, "slurm-probe", quiet),
      await submit(ctx, alice.principal, "slurm-probe", { sleepSeconds: 120 }),
    ];
    // On a busy machine Slurm may take a while to give the node's CPUs back after the
    // previous test's jobs, though squeue no longer shows them.
    const startedAt = Date.now();
    for (const id of running) await waitForLog(ctx, alice.principal, id, /probe started/, 120_000);
    console.log(`both queue-test jobs running after ${Date.now() - startedAt} ms`);
    const [next, waiting] = [
      await submit(ctx, alice.principal, "slurm-probe", quiet),
      await submit(ctx, alice.principal, "slurm-probe", quiet),
    ];
    for (const id of [next, waiting]) {
      await waitForLog(ctx, alice.principal, id, /Slurm job PENDING/, 30_000);
      // Slurm gives a job no reason (None) until the scheduler has looked at it.
      await until(`${id} waiting with a reason`, async () =>
        /^waiting in Slurm queue: (Resources|Priority)$/.test(
          (await getRunRow(ctx, id)).progressMessage ?? "",
        ),
      );
    }
    // A place frees: `next` runs, and its (progress-less) run no longer says it waits.
    await cancelRun(ctx, { principal: alice.principal, runId: running[0]! });
    await waitForLog(ctx, alice.principal, next, /probe started/, 30_000);
    await until(`${next} without the queue message`, async () => {
      const row = await getRunRow(ctx, next);
      return row.progressMessage === null && row.progressPercent === 0;
    });
    for (const id of [waiting, next, running[1]!])
      await cancelRun(ctx, { principal: alice.principal, runId: id });
    for (const id of [waiting, next, ...running]) {
      const run = await waitForStatus(ctx, id, ENDED, 30_000);
      expect(run.status).toBe("cancelled");
      const [attempt] = await ctx.db
        .select()
        .from(runAttempts)
        .where(eq(runAttempts.runId, run.id));
      const states = await squeueStates([attempt!.slurmJobId!], commands());
      expect(states.get(attempt!.slurmJobId!)?.state).toBe("CANCELLED");
    }
  }, 300_000);

  it("a worker killed mid-run leaves its job running; another takes up watching it and records it once, log whole", async () => {
    // Last: the shared worker steps aside, so that the one killed runs the job.
    await worker.stop();
    await clearNode();
    const as = (workerId: string) => ({ ...ctx, config: { ...ctx.config, workerId } });
    const first = startWorker(as("slurm13-first"), pipelines);
    const id = await submit(ctx, alice.principal, "slurm-probe", { ticks: 25 });
    await waitForLog(ctx, alice.principal, id, /tick 3\n/, 30_000);
    await first.kill();
    worker = startWorker(as("slurm13-second"), pipelines);
    const run = await waitForStatus(ctx, id, ENDED, 30_000);
    expect(run).toMatchObject({ status: "succeeded", exitCode: 0, progressPercent: 42.5 });
    const log = await getRunLogs(ctx, { principal: alice.principal, runId: id, cursor: 0 });
    expect(log.text).toMatch(
      /worker slurm13-second took up watching Slurm job \d+ \(worker slurm13-first is gone\)/,
    );
    for (let i = 1; i <= 25; i++) expect(log.text.split(`tick ${i}\n`)).toHaveLength(2);
    expect(log.text.split("probe started\n")).toHaveLength(2);
    const attempts = await ctx.db.select().from(runAttempts).where(eq(runAttempts.runId, run.id));
    expect(attempts).toMatchObject([
      { attempt: 1, workerId: "slurm13-second", outcome: "succeeded" },
    ]);
    const events = await ctx.db.select().from(runEvents).where(eq(runEvents.runId, run.id));
    expect(events.map((e) => e.toStatus)).toEqual(["queued", "running", "succeeded"]);
    const outputs = await ctx.db.select().from(runOutputs).where(eq(runOutputs.runId, run.id));
    expect(outputs.map((o) => o.path)).toEqual(["report.json"]);
  }, 120_000);

  it("a worker stopped on purpose lets its job run on; the next one takes it up and records it once", async () => {
    await clearNode();
    const id = await submit(ctx, alice.principal, "slurm-probe", { ticks: 25 });
    await waitForLog(ctx, alice.principal, id, /tick 3\n/, 30_000);
    await worker.stop();
    const run = await getRunRow(ctx, id);
    expect(run.status).toBe("running");
    const [attempt] = await ctx.db.select().from(runAttempts).where(eq(runAttempts.runId, run.id));
    const states = await squeueStates([attempt!.slurmJobId!], commands());
    expect(states.get(attempt!.slurmJobId!)?.state).toBe("RUNNING");
    worker = startWorker(
      { ...ctx, config: { ...ctx.config, workerId: "slurm13-third" } },
      pipelines,
    );
    const ended = await waitForStatus(ctx, id, ENDED, 30_000);
    expect(ended).toMatchObject({ status: "succeeded", exitCode: 0 });
    const log = await getRunLogs(ctx, { principal: alice.principal, runId: id, cursor: 0 });
    expect(log.text).toMatch(
      /stopping: Slurm job \d+ runs on, another worker takes up watching it/,
    );
    for (let i = 1; i <= 25; i++) expect(log.text.split(`tick ${i}\n`)).toHaveLength(2);
    const events = await ctx.db.select().from(runEvents).where(eq(runEvents.runId, run.id));
    expect(events.map((e) => e.toStatus)).toEqual(["queued", "running", "succeeded"]);
    const attempts = await ctx.db.select().from(runAttempts).where(eq(runAttempts.runId, run.id));
    expect(attempts).toMatchObject([{ workerId: "slurm13-third", outcome: "succeeded" }]);
  }, 120_000);
});
