import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import type { LogWriter } from "@/server/runs/log-writer";
import { recordProgress } from "@/server/runs/record-progress";
import { resolveSlurmJobOptions, sbatchOptionArguments, ZSlurmOptions } from "@/lib/slurm-options";
import type { ExecuteRunDeps } from "./execute-run";
import {
  startLocalProcess,
  type ProcessSpec,
  type RunningProcess,
} from "./executors/local-executor";
import type { SlurmJobState } from "./executors/slurm-commands";
import { startSlurmJob } from "./executors/slurm-executor";

interface StartOptions {
  run: { id: number; publicId: string; userId: number; config: string };
  attempt: number;
  pipeline: LoadedPipeline;
  spec: ProcessSpec;
  log: LogWriter;
}

/**
 * The executor seam: starts an attempt where its pipeline says (`executor` in
 * pipeline.json), as a local process or a Slurm job; both answer as a RunningProcess, so
 * logs, progress, cancel, timeout and outputs work the same. Throws when it cannot start.
 */
export function startPipelineProcess(
  deps: Pick<ExecuteRunDeps, "ctx" | "launchers" | "slurm" | "runAs">,
  options: StartOptions,
): RunningProcess {
  const { definition } = options.pipeline;
  if (definition.executor !== "slurm") return startLocalProcess(options.spec, deps.launchers);
  if (!deps.slurm) throw new Error("this worker is not set up for Slurm");
  if (deps.runAs) {
    // sbatch runs the job as the submitting user: the run user would be bypassed.
    throw new Error(
      "RUN_AS_USER is not supported with the Slurm executor: the job would run as the worker's user",
    );
  }
  const config = JSON.parse(options.run.config) as Record<string, unknown>;
  const slurmOptions = definition.slurm ?? ZSlurmOptions.parse({});
  const { job, problems } = resolveSlurmJobOptions(slurmOptions, definition.timeoutSeconds, config);
  const [problem] = problems;
  // Checked at submission too: this is a pipeline that changed its limits since.
  if (problem) throw new Error(`Slurm option at ${problem.path}: ${problem.message}`);
  const { run, attempt, log } = options;
  const onState = slurmStateReporter(deps.ctx, run, log);
  return startSlurmJob(
    {
      ...options.spec,
      jobName: `runport-${run.publicId}-${attempt}`,
      sbatchArguments: sbatchOptionArguments(job),
      onState,
      onSubmitRetry: (error, retryInMs) =>
        log.write(
          "system",
          `[runport] Slurm does not answer (${error}); submitting again in ${Math.round(retryInMs / 1000)} s\n`,
        ),
    },
    deps.slurm,
  );
}

/**
 * What a Slurm job's state changes tell the run: a line in its log, and while it waits
 * in the queue, "waiting in Slurm queue: <reason>" as its progress message.
 */
export function slurmStateReporter(
  ctx: ExecuteRunDeps["ctx"],
  run: { id: number; publicId: string; userId: number },
  log: LogWriter,
): (state: SlurmJobState) => void {
  // The "waiting in Slurm queue" message last stored; written in order (one chain).
  let waiting: string | null = null;
  let progress = Promise.resolve();
  const record = (write: () => Promise<void>) => {
    progress = progress.then(write).catch(() => undefined);
  };
  const onState = (state: SlurmJobState) => {
    const reason = state.reason && state.reason !== "None" ? state.reason : null;
    log.write("system", `[runport] Slurm job ${state.state}${reason ? ` (${reason})` : ""}\n`);
    if (state.state !== "PENDING") {
      // Out of the queue: the message goes, unless the pipeline has printed progress since.
      const replacing = waiting;
      waiting = null;
      if (replacing !== null) {
        const cleared = { percent: 0, message: null };
        record(() => recordProgress(ctx, run, cleared, { replacing }));
      }
      return;
    }
    const message = reason ? `waiting in Slurm queue: ${reason}` : "waiting in Slurm queue";
    waiting = message;
    record(() => recordProgress(ctx, run, { percent: 0, message }));
  };
  return onState;
}
