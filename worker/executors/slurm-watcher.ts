import { readFile } from "node:fs/promises";
import {
  sacctState,
  squeueStates,
  type SlurmCommandOptions,
  type SlurmJobState,
} from "./slurm-commands";

/** How a job ended: the pipeline's exit code (from the exit-code file), or Slurm's reason. */
export interface SlurmJobEnd {
  exitCode: number | null;
  /** Set when the job ended without the pipeline exiting: TIMEOUT, CANCELLED, lost, ... */
  reason: string | null;
  /** No end: the watch was let go of (release) while the job runs on. */
  released?: boolean;
}

/** States after which the job script will write nothing more. */
const ENDED_STATES = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "OUT_OF_MEMORY",
  "NODE_FAIL",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
  "SPECIAL_EXIT",
  "REVOKED",
]);
/**
 * Ended states reached only once the script exited: it wrote its exit code (the file may
 * reach this machine late on a shared filesystem), so wait `lostAfterMs` for it.
 */
const SCRIPT_EXITED = new Set(["COMPLETED", "FAILED"]);
/**
 * Polls the other ended states (TIMEOUT, OUT_OF_MEMORY, CANCELLED...) still wait for an
 * exit-code file: the pipeline may have exited, and the script written it, just before.
 */
const EXIT_FILE_GRACE_POLLS = 2;

interface Watched {
  exitFile: string;
  onState?: (state: SlurmJobState) => void;
  /** `state|reason` last told to onState. */
  lastState?: string;
  /** Since when the job is gone (or ended) with no exit-code file. */
  goneSince?: number;
  /** Polls that saw the job ended by Slurm with no exit-code file. */
  endedPolls?: number;
  /** What sacct said once the job was missing from squeue (undefined: not asked yet). */
  accounted?: SlurmJobState | null;
  resolve: (end: SlurmJobEnd) => void;
}

/** What one poll saw: the watched jobs squeue shows, or the error when it did not answer. */
export interface SlurmQueueSnapshot {
  answered: boolean;
  error: string | null;
  jobs: (SlurmJobState & { jobId: string })[];
}

export interface SlurmWatcherOptions {
  commands: SlurmCommandOptions;
  pollMs: number;
  /** How long a job may be missing (or ended) with no exit-code file before it is lost. */
  lostAfterMs: number;
  onPollError?: (error: unknown) => void;
  /** After each poll (the Operations page's Slurm queue is published from it). */
  onPoll?: (snapshot: SlurmQueueSnapshot) => void;
}

export interface SlurmWatcher {
  watch(
    jobId: string,
    exitFile: string,
    onState?: (state: SlurmJobState) => void,
  ): Promise<SlurmJobEnd>;
  /** squeue calls made so far (one per interval, whatever the number of jobs). */
  readonly squeueCalls: number;
  /** Jobs being watched now. */
  readonly size: number;
  /** Stops watching a job, which runs on: its watch resolves `released`. */
  release(jobId: string): void;
  /** sacct calls made so far (one per job missing from squeue with no exit-code file). */
  readonly sacctCalls: number;
  /** Stops polling; `release` (the default) ends the remaining watches `released`. */
  stop(options?: { release?: boolean }): void;
}

async function readExitCode(file: string): Promise<number | null> {
  const text = await readFile(file, "utf8").catch(() => null);
  if (text === null || !/^\d+\n$/.test(text)) return null;
  return Number(text.trim());
}

/**
 * Watches all of a worker's Slurm jobs with ONE squeue call per interval (as Nextflow
 * does): the exit-code file is the truth; Slurm's state explains a job that ended without
 * one (TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, CANCELLED); a job squeue no longer
 * shows, with no exit-code file, is looked up once with sacct (or the jobcomp log) and
 * explained by the end it records; one nobody knows is lost after `lostAfterMs`. A failing squeue (slurmctld
 * away) loses nothing: only the exit-code files are read, and Slurm is asked again at the
 * next interval.
 */
export function createSlurmWatcher(options: SlurmWatcherOptions): SlurmWatcher {
  const jobs = new Map<string, Watched>();
  let timer: NodeJS.Timeout | null = null;
  let squeueCalls = 0;
  let sacctCalls = 0;
  let stopped = false;
  /** A poll is running (squeue may take long): schedule() waits for its end. */
  let inFlight = false;

  const finish = (jobId: string, end: SlurmJobEnd) => {
    jobs.get(jobId)?.resolve(end);
    jobs.delete(jobId);
  };

  /** Asked once: what accounting (or the jobcomp log) says of a job squeue no longer shows. */
  const accounted = async (jobId: string, job: Watched) => {
    if (job.accounted === undefined) {
      sacctCalls++;
      job.accounted = await sacctState(jobId, options.commands).catch((error: unknown) => {
        options.onPollError?.(error);
        return null;
      });
    }
    // An end only: a job accounting holds as still running is one squeue lost (grace).
    return job.accounted && ENDED_STATES.has(job.accounted.state) ? job.accounted : undefined;
  };

  const check = async (jobId: string, job: Watched, shown: SlurmJobState | undefined) => {
    const exitCode = await readExitCode(job.exitFile);
    if (exitCode !== null) return finish(jobId, { exitCode, reason: null });
    const state = shown ?? (await accounted(jobId, job));
    // A reason changes while the state stays (PENDING: None, then Priority, Resources).
    if (state && `${state.state}|${state.reason}` !== job.lastState) {
      job.lastState = `${state.state}|${state.reason}`;
      job.onState?.(state);
    }
    if (state && !ENDED_STATES.has(state.state)) return;
    if (state && !SCRIPT_EXITED.has(state.state)) {
      job.endedPolls = (job.endedPolls ?? 0) + 1;
      if (job.endedPolls <= EXIT_FILE_GRACE_POLLS) return;
      const why = state.reason && state.reason !== "None" ? ` (${state.reason})` : "";
      return finish(jobId, { exitCode: null, reason: `ended by Slurm: ${state.state}${why}` });
    }
    job.goneSince ??= Date.now();
    if (Date.now() - job.goneSince < options.lostAfterMs) return;
    const what = state
      ? `ended ${state.state} without an exit code`
      : "is no longer known to Slurm";
    finish(jobId, { exitCode: null, reason: `lost by Slurm: the job ${what}` });
  };

  const checkExitOnly = async (jobId: string, job: Watched) => {
    const exitCode = await readExitCode(job.exitFile);
    if (exitCode !== null) finish(jobId, { exitCode, reason: null });
  };

  const poll = async () => {
    timer = null;
    inFlight = true;
    const ids = [...jobs.keys()];
    squeueCalls++;
    let failure: string | null = null;
    const states = await squeueStates(ids, options.commands).catch((error: unknown) => {
      failure = error instanceof Error ? error.message : String(error);
      options.onPollError?.(error);
      return null;
    });
    options.onPoll?.({
      answered: states !== null,
      error: failure,
      jobs: states ? [...states].map(([jobId, state]) => ({ jobId, ...state })) : [],
    });
    // Slurm away: only the exit-code files are read (a job that exited is still done).
    await Promise.all(
      ids.map(async (id) => {
        const job = jobs.get(id);
        // Ended while squeue was asked (a stop, a finish): nothing more to say about it.
        if (!job) return;
        return states ? check(id, job, states.get(id)) : checkExitOnly(id, job);
      }),
    ).catch((error: unknown) => options.onPollError?.(error));
    inFlight = false;
    schedule();
  };

  function schedule() {
    // One poll at a time: a watch() during a poll is asked about at the next one.
    if (timer || inFlight || stopped || jobs.size === 0) return;
    timer = setTimeout(() => void poll(), options.pollMs);
  }

  return {
    watch(jobId, exitFile, onState) {
      return new Promise((resolve) => {
        jobs.set(jobId, { exitFile, onState, resolve });
        schedule();
      });
    },
    get squeueCalls() {
      return squeueCalls;
    },
    get size() {
      return jobs.size;
    },
    release(jobId) {
      finish(jobId, { exitCode: null, reason: null, released: true });
    },
    get sacctCalls() {
      return sacctCalls;
    },
    stop({ release = true } = {}) {
      stopped = true;
      if (timer) clearTimeout(timer);
      // The jobs run on; their watches end `released` (a killed worker's stay pending).
      if (release)
        for (const jobId of [...jobs.keys()])
          finish(jobId, { exitCode: null, reason: null, released: true });
    },
  };
}
