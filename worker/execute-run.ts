import { withStatementBudget } from "@/server/statement-budget";
import type { AppContext } from "@/server/context";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import {
  recordAttemptProcess,
  recordAttemptSlurmJob,
  type WorkerIdentity,
} from "@/server/runs/claim-run";
import { recordOutputs } from "@/server/outputs/record-outputs";
import { finishRun, type AttemptOutcome } from "@/server/runs/finish-run";
import { LogWriter } from "@/server/runs/log-writer";
import { parseProgressLine, recordProgress, type Progress } from "@/server/runs/record-progress";
import type { ProcessExit, RunningProcess } from "./executors/local-executor";
import type { LauncherPool } from "./executors/process-launcher";
import type { SlurmContext } from "./executors/slurm-executor";
import { startPipelineProcess } from "./start-pipeline-process";
import { claimAttempt } from "./claim-attempt";
import { attemptDirPrefix, type RunPaths } from "./run-command";
import { lockAttemptDir, prepareAttemptDir } from "./attempt-dir";
import {
  attemptCommand,
  dropEarlyStart,
  prepareEarlyStart,
  takeEarlyStart,
  type EarlyStart,
} from "./early-start";
import { samplesheetFiles } from "./samplesheet-files";
import type { RunAsUser } from "./run-as-user";
import { describeStartFailure } from "./start-failure";

/** What the worker can do to a run it is executing (cancel listener, shutdown). */
export interface ActiveRun {
  cancel(): void;
  handBack(reason: string): void;
  /**
   * A stopping worker lets the run go on without it (a Slurm job): nothing is recorded,
   * another worker takes it up (./adopt-slurm-runs.ts). False: it cannot be left.
   */
  leave?(): boolean;
}

export interface ExecuteRunDeps {
  ctx: AppContext;
  worker: WorkerIdentity;
  pipelines: ReadonlyMap<string, LoadedPipeline>;
  active: Map<string, ActiveRun>;
  /** maxConcurrency of the pipelines that declare one (see limitsForRun). */
  pipelineLimits: Map<string, number>;
  /** RUN_AS_USER, resolved at start (worker/run-as-user.ts); null: the worker's own user. */
  runAs: RunAsUser | null;
  /** Runs whose claim got no answer from MySQL: it may have committed (claim-attempt.ts). */
  uncertainClaims?: Set<string>;
  /** Waiting launchers: a run starts without forking the worker (./executors/process-launcher.ts). */
  launchers?: LauncherPool;
  /** How runs of `executor: "slurm"` pipelines reach Slurm (./executors/slurm-executor.ts). */
  slurm?: SlurmContext;
}

/** How long each statement of recording an outcome may wait for MySQL before a new try. */
const FINISH_STATEMENT_MS = 10_000;

/** Forwards a pipe into the log (pausing it while the log is behind) and parses progress. */
function pipeOutput(
  stream: NodeJS.ReadableStream,
  name: "stdout" | "stderr",
  log: LogWriter,
  onLine?: (line: string) => void,
): Promise<void> {
  let partial = "";
  return new Promise((resolve) => {
    stream.on("data", (text: string) => {
      if (!log.write(name, text)) {
        stream.pause();
        void log.drained().then(() => stream.resume());
      }
      if (onLine) {
        const lines = (partial + text).split("\n");
        partial = lines.pop() ?? "";
        if (partial.length > 4096) partial = "";
        for (const line of lines) onLine(line);
      }
    });
    stream.on("end", () => {
      if (onLine && partial) onLine(partial);
      resolve();
    });
    stream.on("error", () => resolve());
  });
}

/** What was asked of a running attempt: a cancel, a stop at its timeout, a hand-back. */
interface StopRequests {
  cancelled: boolean;
  timedOut: string | null;
  handBack: string | null;
}

/** How an attempt ended (`queued`: handed back), from its exit and what was asked of it. */
function attemptEndStatus(exit: ProcessExit, state: StopRequests): AttemptOutcome["status"] {
  // A cancel wins over a hand-back: a cancelled run must not run again.
  if (state.cancelled && exit.exitCode !== 0) return "cancelled";
  if (state.handBack) return "queued";
  if (exit.spawnError && exit.exitCode === null && exit.signal === null) return "error";
  if (exit.platformError) return "error";
  if (state.timedOut) return "failed";
  return exit.exitCode === 0 ? "succeeded" : "failed";
}

/**
 * Records an attempt's outcome once its log is closed. The outcome must reach MySQL, or
 * the run would stay running: it keeps trying while the database is away, 1 s, 2 s, 4 s
 * ... at most 30 s apart (the worker's heartbeat keeps the beat from taking it).
 */
export function outcomeRecorder(
  ctx: AppContext,
  s: {
    run: { id: number; publicId: string; maxAttempts: number; priority: number };
    attempt: number;
    log: LogWriter;
  },
): (outcome: Omit<AttemptOutcome, "logBytes">) => Promise<void> {
  const { run, attempt, log } = s;
  return async (outcome) => {
    const logBytes = await log.close().catch(() => undefined);
    for (let tries = 0; ; tries++) {
      try {
        // Each try bounded: a frozen MySQL must not hold it for ever (then it tries again).
        await withStatementBudget(FINISH_STATEMENT_MS, () =>
          finishRun(ctx, { run, attempt, outcome: { ...outcome, logBytes } }),
        );
        return;
      } catch (error) {
        const wait = Math.min(1000 * 2 ** tries, 30_000);
        ctx.log.error(
          { err: error, runId: run.publicId, retryInMs: wait },
          "could not record the outcome",
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };
}

/**
 * Executes one queued run: claim it (exactly-once start), prepare a fresh attempt
 * directory with config.json, start the command, stream its output into the log,
 * enforce timeout and cancel on the process group, and record the outcome.
 */
export async function executeRun(
  deps: ExecuteRunDeps,
  publicId: string,
): Promise<"limited" | "busy" | "unavailable" | undefined> {
  const { ctx, worker } = deps;
  // The start is prepared while the claim commits, and runs only once it has answered.
  const workDirPrefix = attemptDirPrefix(ctx.config.runsDir, publicId);
  const prepared: { early: EarlyStart | null; settled: boolean } = { early: null, settled: false };
  const claimed = await claimAttempt(deps, publicId, (row) => {
    // (A read that answers after the claim failed is too late: nothing is prepared.)
    if (!prepared.settled) prepared.early = prepareEarlyStart(deps, row, workDirPrefix);
  })
    .finally(() => (prepared.settled = true))
    .catch((error: unknown) => {
      if (prepared.early) dropEarlyStart(prepared.early);
      throw error;
    });
  const { early } = prepared;
  if (claimed === "limited" || claimed === "busy" || claimed === "unavailable" || !claimed) {
    if (early) dropEarlyStart(early);
    if (claimed) return claimed;
    ctx.log.info({ runId: publicId }, "run is no longer queued; skipped");
    return;
  }
  const { run, attempt, workDir } = claimed;
  const ready = early ? takeEarlyStart(early, claimed) : null;
  // Let go at once: the claim has committed, config.json is in place.
  const released = ready?.held?.release();
  const log = new LogWriter(ctx, { id: run.id, publicId, attempt });
  const finish = outcomeRecorder(ctx, { run, attempt, log });
  const pipeline = deps.pipelines.get(`${run.pipelineName}@${run.pipelineVersion}`);
  if (!pipeline) {
    const error = `pipeline ${run.pipelineName}@${run.pipelineVersion} is not installed on worker ${worker.workerId}`;
    log.write("system", `[runport] ${error}\n`);
    await finish({ status: "error", exitCode: null, signal: null, error });
    return;
  }
  let child: RunningProcess;
  let paths: RunPaths;
  try {
    const command = ready ?? attemptCommand(deps, { pipeline, publicId, attempt, workDir });
    const { spec } = command;
    paths = command.paths;
    if (released) {
      child = released;
    } else {
      if (!ready) {
        const { config, files } = samplesheetFiles(pipeline.schema, run.config, workDir);
        prepareAttemptDir(paths, config, deps.runAs, files);
      }
      child = startPipelineProcess(deps, { run, attempt, pipeline, spec, log });
    }
  } catch (error) {
    const message = `could not start: ${describeStartFailure(error, workDir)}`;
    log.write("system", `[runport] ${message}\n`);
    await finish({ status: "error", exitCode: null, signal: null, error: message });
    return;
  }
  await superviseProcess(deps, { run, attempt, pipeline, child, log, finish, paths });
}

export interface Supervised {
  run: { id: number; publicId: string; userId: number };
  attempt: number;
  pipeline: LoadedPipeline;
  child: RunningProcess;
  log: LogWriter;
  finish: (outcome: Omit<AttemptOutcome, "logBytes">) => Promise<void>;
  paths: RunPaths;
}

export async function superviseProcess(deps: ExecuteRunDeps, s: Supervised): Promise<void> {
  const { ctx, worker, active } = deps;
  const { run, attempt, child, log } = s;
  const graceMs = ctx.config.cancelGraceSeconds * 1000;
  const state: StopRequests = { cancelled: false, timedOut: null, handBack: null };
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (why: string) => {
    log.write("system", `[runport] ${why}\n`);
    child.signalGroup("SIGTERM");
    killTimer ??= setTimeout(() => child.signalGroup("SIGKILL"), graceMs);
  };
  active.set(run.publicId, {
    cancel: () => {
      if (state.cancelled) return;
      state.cancelled = true;
      stop("cancel requested: stopping the process group");
    },
    handBack: (reason) => {
      state.handBack = reason;
      stop(`${reason}: stopping this attempt, the run will be retried`);
    },
    leave: () => {
      if (state.cancelled || state.handBack || !child.leave?.()) return false;
      log.write(
        "system",
        `[runport] worker ${worker.workerId} stopping: Slurm job ${child.slurmJobId} runs on, another worker takes up watching it\n`,
      );
      return true;
    },
  });
  const timeoutSeconds = s.pipeline.definition.timeoutSeconds;
  // A Slurm job has its time limit in Slurm (--time), counted from its start, not from a
  // submission that may wait in the queue for hours: no timer here (it ends TIMEOUT there).
  const timeout = child.timeLimitedElsewhere
    ? undefined
    : setTimeout(() => {
        state.timedOut = `exceeded the pipeline's timeout of ${timeoutSeconds} s`;
        stop(`${state.timedOut}: stopping the process group`);
      }, timeoutSeconds * 1000);

  let latest: Progress | null = null;
  let progressTimer: NodeJS.Timeout | undefined;
  const saveProgress = () => {
    progressTimer = undefined;
    if (latest) void recordProgress(ctx, run, latest).catch(() => undefined);
  };
  const onLine = (line: string) => {
    const progress = parseProgressLine(line);
    if (!progress) return;
    latest = progress;
    progressTimer ??= setTimeout(saveProgress, 250);
  };

  void child.startedAt.then((startedAt) => {
    if (child.attached) return;
    const slurmJobId = child.slurmJobId;
    if (slurmJobId !== undefined) {
      log.write("system", `[runport] attempt ${attempt} submitted to Slurm as job ${slurmJobId}\n`);
      void recordAttemptSlurmJob(ctx, { runId: run.id, attempt, slurmJobId, startedAt }).catch(
        (error: unknown) => ctx.log.warn({ err: error }, "could not record the Slurm job"),
      );
    }
    if (child.pid === undefined) return;
    log.write(
      "system",
      `[runport] attempt ${attempt} started on ${worker.host}, pid ${child.pid}\n`,
    );
    void recordAttemptProcess(ctx, { runId: run.id, attempt, pid: child.pid, startedAt }).catch(
      (error: unknown) => ctx.log.warn({ err: error }, "could not record the process"),
    );
  });
  const started = performance.now();
  const output = Promise.all([
    pipeOutput(child.stdout, "stdout", log, onLine),
    pipeOutput(child.stderr, "stderr", log),
  ]);
  const exit = await child.exited;
  // Pipes close once every process holding them is gone (the group was killed on exit).
  await Promise.race([output, new Promise((r) => setTimeout(r, 5000))]);
  clearTimeout(timeout);
  clearTimeout(killTimer);
  if (progressTimer) {
    clearTimeout(progressTimer);
    saveProgress();
  }
  active.delete(run.publicId);
  if (exit.left) {
    // Still running in Slurm: its outcome is the next worker's to record.
    await log.close().catch(() => undefined);
    return;
  }

  const status = attemptEndStatus(exit, state);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const how = exit.spawnError
    ? `could not start: ${exit.spawnError.message}`
    : exit.platformError
      ? exit.platformError
      : exit.exitCode !== null
        ? `exited with code ${exit.exitCode}`
        : `was killed by ${exit.signal}`;
  log.write(
    "system",
    exit.platformError
      ? `[runport] ${how} after ${seconds} s\n`
      : `[runport] the process ${how} after ${seconds} s\n`,
  );
  const error =
    status === "error"
      ? how
      : status === "queued"
        ? state.handBack
        : (state.timedOut ??
          (status === "failed" && exit.signal ? `killed by ${exit.signal}` : null));
  // Before the outcome, so that a finished run's outputs are listed; never throws. Hashing
  // large files takes a while: the run stays in this worker's heartbeat meanwhile (or the
  // beat would take it for lost), with no process left to cancel or hand back.
  // A handed-back attempt (the worker is stopping) is abandoned: no time is spent on it.
  active.set(run.publicId, { cancel: () => undefined, handBack: () => undefined });
  // Before the outputs are read: from now on the run user cannot change them (or read them
  // from a later run). A folder that stays open to the run user is never read (a process
  // of the run could still swap what is in it): the attempt ends in `error` instead.
  let unlocked: string | null = null;
  try {
    lockAttemptDir(s.paths.workDir, deps.runAs);
  } catch (lockError) {
    ctx.log.error({ err: lockError, runId: run.publicId }, "could not close the working folder");
    unlocked = `could not close the working folder to the run user (the worker's log has the error): the outputs were not read`;
    log.write("system", `[runport] ${unlocked}\n`);
  }
  if (status !== "queued" && !unlocked) {
    await recordOutputs(ctx, {
      run,
      attempt,
      outputsDir: s.paths.outputsDir,
      log,
      owner: deps.runAs?.uid,
    });
  }
  // A cancelled run stays cancelled and a handed-back one queued; the others end in error.
  const ended =
    unlocked && (status === "succeeded" || status === "failed")
      ? { status: "error" as const, error: unlocked }
      : { status, error };
  await s.finish({ ...ended, exitCode: exit.exitCode, signal: exit.signal });
  active.delete(run.publicId);
  ctx.log.info({ runId: run.publicId, attempt, status, exitCode: exit.exitCode }, "run finished");
}
