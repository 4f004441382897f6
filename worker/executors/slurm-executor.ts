import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { ProcessExit, ProcessSpec, RunningProcess } from "./local-executor";
import {
  sbatch,
  SbatchUnclearError,
  scancel,
  SlurmUnreachableError,
  scancelByName,
  type SlurmCommandOptions,
  type SlurmJobState,
} from "./slurm-commands";
import { jobScript, slurmJobFiles } from "./slurm-job-script";
import {
  createSlurmWatcher,
  type SlurmJobEnd,
  type SlurmQueueSnapshot,
  type SlurmWatcher,
} from "./slurm-watcher";
import { tailFile, type TailStart } from "./tail-file";

export interface SlurmJobSpec extends ProcessSpec {
  /** `runport-<run id>-<attempt>`: squeue and sacct show whose job it is. */
  jobName: string;
  /** The job's options as sbatch arguments (lib/slurm-options.ts sbatchOptionArguments). */
  sbatchArguments: string[];
  /** Each change of the job's Slurm state (PENDING with its reason, RUNNING, ...). */
  onState?: (state: SlurmJobState) => void;
  /** sbatch found slurmctld away (the error) and is tried again `retryInMs` later. */
  onSubmitRetry?: (error: string, retryInMs: number) => void;
}

export interface SlurmContext {
  commands: SlurmCommandOptions;
  watcher: SlurmWatcher;
  /**
   * While slurmctld does not answer sbatch (connect failure: no job was created), the job
   * is submitted again every `retryMs` for up to `forMs` before the attempt fails to start.
   */
  submitRetry?: { forMs: number; retryMs: number };
  /** Aborted when the worker is killed (tests): its tails stop reading at once. */
  signal?: AbortSignal;
}

/** `%` starts a filename pattern in sbatch's --output (%j, %x...): a literal one is %%. */
const literalPattern = (file: string) => file.replaceAll("%", "%%");

/**
 * Starts a pipeline command as a Slurm job: writes the job script into the attempt's
 * working folder (which the compute nodes must see: RUNS_DIR is shared), submits it with
 * sbatch (argv only), then follows it like a local process: its output files are tailed
 * into stdout/stderr, `exited` resolves when the watcher sees the exit-code file (or the
 * job ended without one), a signal to the "group" is an scancel.
 */
export function startSlurmJob(spec: SlurmJobSpec, slurm: SlurmContext): RunningProcess {
  const files = slurmJobFiles(spec.cwd);
  let jobId: string | undefined;
  let cancelled = false;
  const submitted = (async () => {
    writeFileSync(files.script, jobScript({ ...spec, workDir: spec.cwd, title: spec.jobName }), {
      mode: 0o700,
    });
    const submit = () =>
      sbatch(
        [
          `--job-name=${spec.jobName}`,
          `--chdir=${spec.cwd}`,
          `--output=${literalPattern(files.slurmOutput)}`,
          // The job gets sbatch's environment, which is the commands' own (PATH, HOME, LANG,
          // TZ, TMPDIR, SLURM_CONF: nothing of the worker's, its secrets included), and the
          // pipeline only what the script's `env -i` gives it. Not --export=NONE: slurmd then
          // builds each job's environment itself, and jobs started 2-2.5 times slower here
          // (80 parallel trivial jobs: 20-22 s against 8-10 s, Slurm 22.05).
          "--export=ALL",
          ...spec.sbatchArguments,
          // Last, so it wins: a job Slurm requeues (node failure, preemption) would run the
          // pipeline again behind the attempt's back; Runport's retries decide instead.
          "--no-requeue",
        ],
        files.script,
        slurm.commands,
      ).catch(async (error: unknown) => {
        // Killed or timed out after Slurm took the job: it would run unwatched. Its name is unique.
        if (error instanceof SbatchUnclearError)
          await scancelByName(spec.jobName, slurm.commands).catch(() => undefined);
        throw error;
      });
    const retry = slurm.submitRetry ?? { forMs: 0, retryMs: 0 };
    const until = Date.now() + retry.forMs;
    for (;;) {
      try {
        jobId = await submit();
        return jobId;
      } catch (error) {
        // slurmctld away (restarting, failing over): nothing was created; try again later.
        const again =
          error instanceof SlurmUnreachableError &&
          !cancelled &&
          !slurm.signal?.aborted &&
          Date.now() + retry.retryMs < until;
        if (!again) throw error;
        spec.onSubmitRetry?.(error.message, retry.retryMs);
        await sleep(retry.retryMs);
        if (cancelled) throw new Error("cancelled before Slurm took the job");
      }
    }
  })();
  const exited: Promise<ProcessExit> = submitted.then(
    async (id) => {
      if (cancelled) await scancel(id, slurm.commands).catch(() => undefined);
      return toExit(await slurm.watcher.watch(id, files.exitCode, spec.onState));
    },
    (error: unknown) => ({
      exitCode: null,
      signal: null,
      spawnError: error instanceof Error ? error : new Error(String(error)),
    }),
  );
  return {
    pid: undefined,
    timeLimitedElsewhere: true,
    get slurmJobId() {
      return jobId;
    },
    startedAt: submitted.then(
      () => new Date(),
      () => new Date(),
    ),
    stdout: tailFile(files.stdout, exited, { signal: slurm.signal }),
    stderr: tailFile(files.stderr, exited, { signal: slurm.signal }),
    exited,
    signalGroup: () => {
      cancelled = true;
      if (jobId) void scancel(jobId, slurm.commands).catch(() => undefined);
    },
    leave: () => {
      if (!jobId || cancelled) return false;
      slurm.watcher.release(jobId);
      return true;
    },
  };
}

const toExit = (end: SlurmJobEnd): ProcessExit => ({
  exitCode: end.exitCode,
  signal: null,
  spawnError: null,
  ...(end.reason ? { platformError: end.reason } : {}),
  ...(end.released ? { left: true } : {}),
});

/**
 * Follows a job another worker submitted (that worker died): the same watching as
 * startSlurmJob's, its output files tailed from where the log stands (`start`), so the
 * log goes on with no line twice. Nothing is submitted; a cancel is an scancel.
 */
export function attachSlurmJob(
  spec: {
    jobId: string;
    workDir: string;
    start: { stdout: TailStart; stderr: TailStart };
    onState?: (state: SlurmJobState) => void;
  },
  slurm: SlurmContext,
): RunningProcess {
  const files = slurmJobFiles(spec.workDir);
  const exited = slurm.watcher.watch(spec.jobId, files.exitCode, spec.onState).then(toExit);
  const tail = (file: string, start: TailStart) =>
    tailFile(file, exited, { start, signal: slurm.signal });
  return {
    pid: undefined,
    timeLimitedElsewhere: true,
    attached: true,
    slurmJobId: spec.jobId,
    startedAt: Promise.resolve(new Date()),
    stdout: tail(files.stdout, spec.start.stdout),
    stderr: tail(files.stderr, spec.start.stderr),
    exited,
    signalGroup: () => void scancel(spec.jobId, slurm.commands).catch(() => undefined),
    leave: () => {
      slurm.watcher.release(spec.jobId);
      return true;
    },
  };
}

/**
 * The worker's way to Slurm: the commands get the pipelines' base environment (PATH) and
 * SLURM_CONF when set; one watcher asks about all of the worker's jobs.
 */
export function createSlurmContext(options: {
  childEnv: Record<string, string>;
  slurm: { conf?: string; pollMs: number; lostAfterMs: number };
  onPollError: (error: unknown) => void;
  onPoll?: (snapshot: SlurmQueueSnapshot) => void;
}): SlurmContext & { abandon(): void } {
  const abandoned = new AbortController();
  const commands = {
    env: { ...options.childEnv, ...(options.slurm.conf ? { SLURM_CONF: options.slurm.conf } : {}) },
  };
  const watcher = createSlurmWatcher({
    commands,
    pollMs: options.slurm.pollMs,
    lostAfterMs: options.slurm.lostAfterMs,
    onPollError: options.onPollError,
    onPoll: options.onPoll,
  });
  return {
    commands,
    watcher,
    // As long as a job may be missing before it is lost: Slurm away is the same trouble.
    submitRetry: {
      forMs: options.slurm.lostAfterMs,
      retryMs: Math.max(options.slurm.pollMs, 1000),
    },
    signal: abandoned.signal,
    abandon: () => {
      abandoned.abort();
      watcher.stop({ release: false });
    },
  };
}
