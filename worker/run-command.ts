import path from "node:path";
import type { PipelineDefinition } from "@/lib/pipeline-definition";
import type { RunAsUser } from "./run-as-user";

export interface RunPaths {
  pipelineDir: string;
  workDir: string;
  configPath: string;
  outputsDir: string;
  runId: string;
}

/**
 * The argv of a pipeline command with its placeholders replaced by platform values
 * (never by config values). `node` means the worker's own Node binary.
 */
export function buildArgv(definition: PipelineDefinition, paths: RunPaths): string[] {
  const argv = definition.command.map((arg) =>
    arg.replace(
      /\{(pipelineDir|workDir|configPath|outputsDir|runId)\}/g,
      (_, name: keyof RunPaths) => paths[name],
    ),
  );
  if (argv[0] === "node") argv[0] = process.execPath;
  return argv;
}

/** The environment of a pipeline process: the worker's base variables plus RUNPORT_*. */
export function buildEnv(
  base: Record<string, string>,
  options: RunPaths & {
    attempt: number;
    pipeline: string;
    version: string;
    dataRoots: readonly string[];
    runAs?: RunAsUser | null;
  },
): Record<string, string> {
  // The run user has no home of its own (useradd --no-create-home): its working folder is.
  const user: Record<string, string> = options.runAs
    ? { HOME: options.workDir, USER: options.runAs.name, LOGNAME: options.runAs.name }
    : {};
  return {
    ...base,
    ...user,
    RUNPORT_RUN_ID: options.runId,
    RUNPORT_ATTEMPT: String(options.attempt),
    RUNPORT_CONFIG: options.configPath,
    RUNPORT_WORK_DIR: options.workDir,
    RUNPORT_OUTPUTS_DIR: options.outputsDir,
    RUNPORT_PIPELINE: options.pipeline,
    RUNPORT_PIPELINE_VERSION: options.version,
    RUNPORT_PIPELINE_DIR: options.pipelineDir,
    RUNPORT_DATA_ROOTS: options.dataRoots.join(":"),
    // Lets a later worker on this machine tell an orphan (its worker gone) from a live run.
    RUNPORT_WORKER_PID: String(process.pid),
  };
}

/** RUNS_DIR/<run id>/attempt-<n> (the prefix, without n): every attempt starts in a fresh directory. */
export function attemptDirPrefix(runsDir: string, runId: string): string {
  return path.join(runsDir, runId, "attempt-");
}
