import { randomBytes } from "node:crypto";
import { renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { ClaimedRun } from "@/server/runs/claim-run";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { prepareAttemptDir } from "./attempt-dir";
import type { ExecuteRunDeps } from "./execute-run";
import { holdLocalProcess, type HeldProcess, type ProcessSpec } from "./executors/local-executor";
import { buildArgv, buildEnv, type RunPaths } from "./run-command";
import { samplesheetFiles } from "./samplesheet-files";

/** An attempt's paths (the folder, config.json, outputs) and its command. */
export function attemptCommand(
  deps: Pick<ExecuteRunDeps, "ctx" | "runAs">,
  o: { pipeline: LoadedPipeline; publicId: string; attempt: number; workDir: string },
): { paths: RunPaths; spec: ProcessSpec } {
  const { ctx, runAs } = deps;
  const { pipeline, workDir } = o;
  const paths = {
    pipelineDir: pipeline.dir,
    workDir,
    configPath: path.join(workDir, "config.json"),
    outputsDir: path.join(workDir, "outputs"),
    runId: o.publicId,
  };
  const argv = buildArgv(pipeline.definition, paths);
  const env = buildEnv(ctx.config.childEnv, {
    ...paths,
    attempt: o.attempt,
    pipeline: pipeline.name,
    version: pipeline.version,
    dataRoots: ctx.config.dataRoots,
    runAs,
  });
  const spec = { argv, cwd: workDir, env, ...(runAs ? { user: runAs } : {}) };
  return { paths, spec };
}

/**
 * A start made ready while the claim commits: the attempt's folder, complete with
 * config.json, under a name of its own beside where it belongs, and the command handed to
 * a launcher that holds it (./executors/process-launcher.ts). Nothing of it is the run's
 * until the claim has answered: then the folder is renamed into place and the command let
 * go (takeEarlyStart), or both are thrown away (dropEarlyStart).
 */
export interface EarlyStart {
  attempt: number;
  workDir: string;
  /** The folder as prepared, renamed to workDir once the claim has answered. */
  staging: string;
  paths: RunPaths;
  spec: ProcessSpec;
  /** Null when no launcher was waiting: the command is then started after the rename. */
  held: HeldProcess | null;
}

/**
 * Prepares the start of the attempt a claim of `run` (as read beside the claim) would
 * make. Null when there is nothing to prepare (not queued, a Slurm pipeline, a pipeline
 * this worker lacks) or preparing failed: the start is then prepared after the claim, as
 * without this, and reports its own errors there.
 */
export function prepareEarlyStart(
  deps: ExecuteRunDeps,
  run: ClaimedRun["run"],
  workDirPrefix: string,
): EarlyStart | null {
  if (run.status !== "queued") return null;
  const pipeline = deps.pipelines.get(`${run.pipelineName}@${run.pipelineVersion}`);
  if (!pipeline || pipeline.definition.executor === "slurm") return null;
  const attempt = run.attempt + 1;
  const workDir = `${workDirPrefix}${attempt}`;
  // Never the attempt's own folder: another worker on this host may hold the claim.
  const staging = path.join(
    path.dirname(workDir),
    `.early-${path.basename(workDir)}-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  try {
    const { paths, spec } = attemptCommand(deps, {
      pipeline,
      publicId: run.publicId,
      attempt,
      workDir,
    });
    const { config, files } = samplesheetFiles(pipeline.schema, run.config, workDir);
    const inStaging = {
      workDir: staging,
      configPath: path.join(staging, "config.json"),
      outputsDir: path.join(staging, "outputs"),
    };
    prepareAttemptDir(inStaging, config, deps.runAs, files);
    const held = holdLocalProcess(spec, deps.launchers);
    return { attempt, workDir, staging, paths, spec, held };
  } catch {
    rmSync(staging, { recursive: true, force: true });
    return null;
  }
}

/** Throws an early start away: its command never runs, its folder is removed. */
export function dropEarlyStart(early: EarlyStart): void {
  early.held?.abandon();
  rmSync(early.staging, { recursive: true, force: true });
}

/**
 * The early start of the attempt that was claimed: its folder renamed into place.
 * Null (and the early start thrown away) when it was made for another attempt, or the
 * folder cannot take its place (one exists there already).
 */
export function takeEarlyStart(
  early: EarlyStart,
  claimed: { attempt: number; workDir: string },
): EarlyStart | null {
  if (claimed.attempt !== early.attempt || claimed.workDir !== early.workDir) {
    dropEarlyStart(early);
    return null;
  }
  try {
    // rename(2) onto an existing non-empty folder fails (ENOTEMPTY): nothing is replaced.
    renameSync(early.staging, early.workDir);
    return early;
  } catch {
    dropEarlyStart(early);
    return null;
  }
}
