import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOSTILE_VALUES, slurmMissing, startTestSlurm, type TestSlurm } from "@/test/slurm";
import { testTempDir } from "@/test/temp-dir";
import { scancel, squeueStates } from "./slurm-commands";
import { startSlurmJob, type SlurmContext } from "./slurm-executor";
import { slurmJobFiles } from "./slurm-job-script";
import { createSlurmWatcher, type SlurmQueueSnapshot } from "./slurm-watcher";

const missing = slurmMissing();
if (missing) console.warn(missing);

let slurm: TestSlurm;
let context: SlurmContext;
const pollErrors: unknown[] = [];
const snapshots: SlurmQueueSnapshot[] = [];

beforeAll(async () => {
  if (missing) return;
  slurm = await startTestSlurm();
  const commands = {
    env: { PATH: "/usr/bin:/bin:/usr/sbin:/sbin", ...slurm.env },
    timeoutMs: 3000,
  };
  const onPollError = (error: unknown) => pollErrors.push(error);
  const onPoll = (snapshot: SlurmQueueSnapshot) => snapshots.push(snapshot);
  const watcher = createSlurmWatcher({
    commands,
    pollMs: 200,
    lostAfterMs: 5000,
    onPollError,
    onPoll,
  });
  context = { commands, watcher };
}, 30_000);

afterAll(async () => {
  context?.watcher.stop();
  await slurm?.stop();
});

function collect(stream: Readable): Promise<string> {
  let text = "";
  stream.on("data", (chunk: string) => (text += chunk));
  return new Promise((resolve) => stream.on("end", () => resolve(text)));
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What `scontrol show job` says of a job (finished ones too, until MinJobAge). */
function showJob(jobId: string): string {
  const env = { ...context.commands.env };
  return spawnSync("scontrol", ["show", "job", jobId], {
    env: env as NodeJS.ProcessEnv,
    encoding: "utf8",
  }).stdout;
}

/**
 * A folder whose `program` runs the real one after `before` (shell) and then `after`: a
 * slow or hung Slurm command, put first on PATH. Slurm's own commands do the work.
 */
function wrapped(program: string, before: string, after: string): Record<string, string> {
  const dir = testTempDir(`slurm-${program}`);
  const file = path.join(dir, program);
  writeFileSync(file, `#!/bin/sh\n${before}\n/usr/bin/${program} "$@"\n${after}\n`);
  chmodSync(file, 0o755);
  return { ...context.commands.env, PATH: `${dir}:${context.commands.env.PATH}` };
}

const node = (code: string, ...args: string[]) => [process.execPath, "-e", code, ...args];

function start(argv: string[], name: string) {
  const cwd = testTempDir("slurm-job");
  const env = { RUNPORT_RUN_ID: "run'$(id)", PATH: "/usr/bin:/bin" };
  const states: string[] = [];
  const job = startSlurmJob(
    {
      argv,
      cwd,
      env,
      jobName: `runport-${name}-1`,
      sbatchArguments: ["--time=5"],
      onState: (s) => states.push(s.state),
    },
    context,
  );
  return { job, cwd, states, stdout: collect(job.stdout), stderr: collect(job.stderr) };
}

describe.skipIf(missing)("Slurm jobs on a real slurmctld + slurmd", () => {
  it("runs the argv with hostile values intact and the local environment, with exit code and logs", async () => {
    const probe =
      "require('fs').writeFileSync('seen.json', JSON.stringify({ argv: process.argv.slice(1), env: process.env })); console.log('out ✓'); console.error('err')";
    const { job, cwd, stdout, stderr } = start(node(probe, ...HOSTILE_VALUES), "ok");
    expect(await job.exited).toEqual({ exitCode: 0, signal: null, spawnError: null });
    expect(job.slurmJobId).toMatch(/^\d+$/);
    expect(await stdout).toBe("out ✓\n");
    expect(await stderr).toBe("err\n");
    const seen = JSON.parse(readFileSync(`${cwd}/seen.json`, "utf8")) as {
      argv: string[];
      env: Record<string, string>;
    };
    expect(seen.argv).toEqual(HOSTILE_VALUES);
    expect(seen.env).toEqual({ RUNPORT_RUN_ID: "run'$(id)", PATH: "/usr/bin:/bin" });
    expect(existsSync("/tmp/runport-pwned")).toBe(false);
    const states = await squeueStates([job.slurmJobId!], context.commands);
    expect(states.get(job.slurmJobId!)?.state).toBe("COMPLETED");
    // Never requeued by Slurm (JobRequeue=1 is its default): a requeued job runs twice.
    expect(showJob(job.slurmJobId!)).toMatch(/\bRequeue=0\b/);
  });

  it("reports a failing pipeline's exit code", async () => {
    const { job } = start(node("process.exit(3)"), "fails");
    expect(await job.exited).toEqual({ exitCode: 3, signal: null, spawnError: null });
  });

  it("cancels with scancel: the job ends CANCELLED with no exit code", async () => {
    const { job, states, stdout } = start(node("setTimeout(() => {}, 60000)"), "cancel");
    await until("job RUNNING", () => states.includes("RUNNING"));
    job.signalGroup("SIGTERM");
    const exit = await job.exited;
    expect(exit).toMatchObject({ exitCode: null, platformError: "ended by Slurm: CANCELLED" });
    await stdout;
  });

  it("fails to start with the reason when sbatch refuses the job", async () => {
    const cwd = testTempDir("slurm-refused");
    const job = startSlurmJob(
      {
        argv: ["true"],
        cwd,
        env: {},
        jobName: "runport-refused-1",
        sbatchArguments: ["--partition=nowhere"],
      },
      context,
    );
    const exit = await job.exited;
    expect(exit.spawnError?.message).toMatch(/sbatch failed: .*partition/i);
  });

  it("asks Slurm about all its jobs in one squeue call per interval", async () => {
    const before = context.watcher.squeueCalls;
    const started = Date.now();
    const jobs = Array.from({ length: 4 }, (_, i) => start(node(""), `many${i}`).job);
    const exits = await Promise.all(jobs.map((j) => j.exited));
    expect(exits.map((e) => e.exitCode)).toEqual([0, 0, 0, 0]);
    const intervals = (Date.now() - started) / 200;
    expect(context.watcher.squeueCalls - before).toBeLessThanOrEqual(Math.ceil(intervals) + 1);
  });

  it("ends a job Slurm does not know, with no exit-code file, as lost after the grace period", async () => {
    const watcher = createSlurmWatcher({
      commands: context.commands,
      pollMs: 100,
      lostAfterMs: 300,
    });
    const end = await watcher.watch("999999", `${testTempDir("slurm-lost")}/runport-exit-code`);
    watcher.stop();
    expect(end).toEqual({
      exitCode: null,
      reason: "lost by Slurm: the job is no longer known to Slurm",
    });
  });

  it("loses nothing while slurmctld is away: the exit-code file still ends the job", async () => {
    // The job ends only once the test lets it, with slurmctld stopped (no timer racing it).
    const waitForGo =
      "const t = setInterval(() => require('fs').existsSync('go') && clearInterval(t), 50)";
    const { job, states, cwd } = start(node(waitForGo), "away");
    await until("job RUNNING", () => states.includes("RUNNING"));
    const errorsBefore = pollErrors.length;
    // Before: RUNNING as squeue shows it, with its node and elapsed time.
    expect(snapshots.at(-1)?.jobs).toContainEqual(
      expect.objectContaining({ jobId: job.slurmJobId, state: "RUNNING", node: "localhost" }),
    );
    const snapshotsBefore = snapshots.length;
    await slurm.stopController();
    try {
      writeFileSync(path.join(cwd, "go"), "");
      expect(await job.exited).toEqual({ exitCode: 0, signal: null, spawnError: null });
      expect(pollErrors.length).toBeGreaterThan(errorsBefore);
      // What the Operations page is told meanwhile: Slurm does not answer, and why.
      const away = snapshots.slice(snapshotsBefore).find((snapshot) => !snapshot.answered);
      expect(away?.jobs).toEqual([]);
      expect(away?.error).toMatch(/^squeue/);
    } finally {
      await slurm.startController();
    }
  });

  it("cancels by its name a job that a killed sbatch may have created", async () => {
    // sbatch submits, then hangs past the time limit (exec: the kill reaches the sleep).
    const hung = wrapped("sbatch", "", "exec sleep 30");
    const commands = { env: hung, timeoutMs: 1500 };
    const cwd = testTempDir("slurm-hung");
    const job = startSlurmJob(
      {
        argv: node("setTimeout(() => {}, 60000)"),
        cwd,
        env: { PATH: "/usr/bin:/bin" },
        jobName: "runport-hung-1",
        sbatchArguments: ["--time=5"],
      },
      { commands, watcher: context.watcher },
    );
    const exit = await job.exited;
    expect(exit.spawnError?.message).toMatch(/sbatch/);
    const state = () =>
      spawnSync("squeue", ["-h", "--states=all", "--name=runport-hung-1", "-o", "%T"], {
        env: context.commands.env as NodeJS.ProcessEnv,
        encoding: "utf8",
      }).stdout.trim();
    await until("the hung sbatch's job cancelled", () => state() === "CANCELLED");
  });

  it("submits again while sbatch cannot reach slurmctld, and only then", async () => {
    // The first two sbatch calls answer as with slurmctld down (no job created).
    const counter = path.join(testTempDir("slurm-away-count"), "calls");
    const away = wrapped(
      "sbatch",
      `n=$(cat '${counter}' 2>/dev/null || echo 0); echo $((n + 1)) > '${counter}'
if [ "$n" -lt 2 ]; then echo 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)' >&2; exit 1; fi`,
      "",
    );
    const slurmAway = {
      commands: { env: away, timeoutMs: 3000 },
      watcher: context.watcher,
      submitRetry: { forMs: 10_000, retryMs: 100 },
    };
    const retries: string[] = [];
    const spec = (name: string, sbatchArguments: string[]) => ({
      argv: node("console.log('ran')"),
      cwd: testTempDir(`slurm-${name}`),
      env: { PATH: "/usr/bin:/bin" },
      jobName: `runport-${name}-1`,
      sbatchArguments,
      onSubmitRetry: (error: string) => retries.push(error),
    });
    const job = startSlurmJob(spec("away", ["--time=5"]), slurmAway);
    expect(await job.exited).toEqual({ exitCode: 0, signal: null, spawnError: null });
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(/Unable to contact slurm controller/);
    expect(readFileSync(counter, "utf8").trim()).toBe("3");
    // Any other refusal may have created the job: never submitted again.
    const refused = startSlurmJob(spec("refused", ["--partition=nowhere"]), slurmAway);
    expect((await refused.exited).spawnError?.message).toMatch(/Invalid partition/);
    expect(readFileSync(counter, "utf8").trim()).toBe("4");
    expect(retries).toHaveLength(2);
  });

  it("waits a short grace for the exit-code file of a job Slurm ended (CANCELLED, TIMEOUT...)", async () => {
    // The pipeline exits (exit code written) just as Slurm ends the job: the file wins.
    const cwd = testTempDir("slurm-late-exit");
    const job = startSlurmJob(
      {
        argv: node("setTimeout(() => {}, 60000)"),
        cwd,
        env: { PATH: "/usr/bin:/bin" },
        jobName: "runport-late-1",
        sbatchArguments: ["--time=5"],
        onState: (state) => {
          if (state.state === "RUNNING") void scancel(job.slurmJobId!, context.commands);
          if (state.state === "CANCELLED") writeFileSync(slurmJobFiles(cwd).exitCode, "7\n");
        },
      },
      context,
    );
    expect(await job.exited).toEqual({ exitCode: 7, signal: null, spawnError: null });
  });

  it("never runs two polls at once, however many jobs are added while squeue is slow", async () => {
    const slow = wrapped("squeue", "sleep 0.4", "");
    const watcher = createSlurmWatcher({
      commands: { env: slow, timeoutMs: 3000 },
      pollMs: 20,
      lostAfterMs: 60_000,
    });
    const started = Date.now();
    void watcher.watch("999990", `${testTempDir("slurm-slow")}/runport-exit-code`);
    for (let i = 1; i <= 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      void watcher.watch(`99999${i}`, `${testTempDir("slurm-slow")}/runport-exit-code`);
    }
    watcher.stop();
    // Each squeue takes >= 0.4 s: one after the other, at most one per 0.4 s (+1 started).
    const polls = watcher.squeueCalls;
    expect(polls).toBeLessThanOrEqual(Math.floor((Date.now() - started) / 400) + 1);
    expect(polls).toBeGreaterThanOrEqual(1);
  });

  it("looks a job squeue no longer shows up once in sacct (the jobcomp log here) and ends it with the state found", async () => {
    // Last: the controller restarts with no saved state, so squeue forgets every job.
    const { job, states } = start(node("setTimeout(() => {}, 60000)"), "forgotten");
    await until("job RUNNING", () => states.includes("RUNNING"));
    await scancel(job.slurmJobId!, context.commands);
    expect(await job.exited).toMatchObject({ platformError: "ended by Slurm: CANCELLED" });
    await slurm.stopController();
    await slurm.startController({ clean: true });
    expect((await squeueStates([job.slurmJobId!], context.commands)).size).toBe(0);
    // A grace far longer than the test: only the sacct answer can end the watch in time.
    const watcher = createSlurmWatcher({
      commands: context.commands,
      pollMs: 100,
      lostAfterMs: 120_000,
    });
    const exitFile = `${testTempDir("slurm-forgotten")}/runport-exit-code`;
    const end = await watcher.watch(job.slurmJobId!, exitFile);
    watcher.stop();
    expect(end).toEqual({ exitCode: null, reason: "ended by Slurm: CANCELLED" });
    expect(watcher.sacctCalls).toBe(1);
  });
});
