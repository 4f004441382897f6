import { existsSync, readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOSTILE_VALUES, slurmMissing, startTestSlurm, type TestSlurm } from "@/test/slurm";
import { testTempDir } from "@/test/temp-dir";
import { squeueStates } from "./slurm-commands";
import { startSlurmJob, type SlurmContext } from "./slurm-executor";
import { createSlurmWatcher } from "./slurm-watcher";

const missing = slurmMissing();
if (missing) console.warn(missing);

let slurm: TestSlurm;
let context: SlurmContext;
const pollErrors: unknown[] = [];

beforeAll(async () => {
  if (missing) return;
  slurm = await startTestSlurm();
  const commands = {
    env: { PATH: "/usr/bin:/bin:/usr/sbin:/sbin", ...slurm.env },
    timeoutMs: 3000,
  };
  const onPollError = (error: unknown) => pollErrors.push(error);
  const watcher = createSlurmWatcher({ commands, pollMs: 200, lostAfterMs: 5000, onPollError });
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

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 50));
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
  });

  it("reports a failing pipeline's exit code", async () => {
    const { job } = start(node("process.exit(3)"), "fails");
    expect(await job.exited).toEqual({ exitCode: 3, signal: null, spawnError: null });
  });

  it("cancels with scancel: the job ends CANCELLED with no exit code", async () => {
    const { job, states, stdout } = start(node("setTimeout(() => {}, 60000)"), "cancel");
    await until(() => states.includes("RUNNING"));
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
    const { job, states } = start(node("setTimeout(() => {}, 1500)"), "away");
    await until(() => states.includes("RUNNING"));
    const errorsBefore = pollErrors.length;
    await slurm.stopController();
    try {
      expect(await job.exited).toEqual({ exitCode: 0, signal: null, spawnError: null });
      expect(pollErrors.length).toBeGreaterThan(errorsBefore);
    } finally {
      await slurm.startController();
    }
  });
});
