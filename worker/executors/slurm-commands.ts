import { execFile } from "node:child_process";

/** How the worker reaches Slurm: the commands' environment (PATH, SLURM_CONF) and a time limit. */
export interface SlurmCommandOptions {
  env: Record<string, string>;
  timeoutMs?: number;
}

/** A job as `squeue` shows it: its state (PENDING, RUNNING, COMPLETED, ...) and reason. */
export interface SlurmJobState {
  state: string;
  reason: string;
  /** squeue's view, for the Operations page: the node(s), time used ("1:02:03"), name. */
  node?: string;
  elapsed?: string;
  name?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Runs one Slurm command (argv only, never a shell); rejects with its stderr on failure. */
function runSlurm(
  program: string,
  args: string[],
  options: SlurmCommandOptions,
): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      {
        env: options.env as NodeJS.ProcessEnv,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, code: 0 });
        const code = typeof error.code === "number" ? error.code : -1;
        if (code > 0) return resolve({ stdout: `${stdout}${stderr}`, code });
        reject(new Error(`${program}: ${stderr.trim() || error.message}`));
      },
    );
  });
}

/**
 * sbatch ended without a clear answer (killed, timed out, no job id): Slurm may have
 * created the job anyway, which the caller must then cancel by its name.
 */
export class SbatchUnclearError extends Error {}

/**
 * sbatch could not reach slurmctld at all ("Unable to contact slurm controller (connect
 * failure)", after about 9 s of its own retries): no job was created, so submitting again
 * once slurmctld is back is safe.
 */
export class SlurmUnreachableError extends Error {}

/** Submits a job script; resolves with the job id (`--parsable`: "id" or "id;cluster"). */
export async function sbatch(
  args: string[],
  script: string,
  options: SlurmCommandOptions,
): Promise<string> {
  const { stdout, code } = await runSlurm("sbatch", ["--parsable", ...args, script], options).catch(
    (error: unknown) => {
      throw new SbatchUnclearError(error instanceof Error ? error.message : String(error));
    },
  );
  // A non-zero exit is Slurm refusing the job (it says why); exit 0 must name the job.
  if (code !== 0) {
    const message = `sbatch failed: ${stdout.trim().slice(0, 500)}`;
    if (/Unable to contact slurm controller \(connect failure\)/i.test(stdout))
      throw new SlurmUnreachableError(message);
    throw new Error(message);
  }
  const id = /^(\d+)(;\S+)?\s*$/.exec(stdout)?.[1];
  if (!id) throw new SbatchUnclearError(`sbatch gave no job id: ${stdout.trim().slice(0, 500)}`);
  return id;
}

/**
 * The states of many jobs in ONE squeue call (finished ones too, until MinJobAge). Ids
 * Slurm no longer knows are absent from the map; all of them unknown: squeue exits 1
 * ("Invalid job id specified"), answered as an empty map. Rejects when Slurm does not
 * answer (slurmctld down): the caller keeps its jobs and asks again.
 */
export async function squeueStates(
  jobIds: readonly string[],
  options: SlurmCommandOptions,
): Promise<Map<string, SlurmJobState>> {
  const states = new Map<string, SlurmJobState>();
  if (jobIds.length === 0) return states;
  const { stdout, code } = await runSlurm(
    "squeue",
    ["--noheader", "--states=all", `--jobs=${jobIds.join(",")}`, "--format=%i|%T|%r|%N|%M|%j"],
    options,
  );
  if (code !== 0) {
    if (/Invalid job id/i.test(stdout)) return states;
    throw new Error(`squeue failed: ${stdout.trim().slice(0, 500)}`);
  }
  for (const line of stdout.split("\n")) {
    const [id, state, reason, node, elapsed, ...name] = line.trim().split("|");
    if (id && state)
      states.set(id, {
        state,
        reason: reason ?? "",
        node: node ?? "",
        elapsed: elapsed ?? "",
        name: name.join("|"),
      });
  }
  return states;
}

/**
 * What Slurm's accounting says of one job that `squeue` no longer shows: its state
 * (COMPLETED, CANCELLED, TIMEOUT...) or null when it knows nothing. With accounting off
 * (AccountingStorageType=accounting_storage/none, "accounting storage is disabled") the
 * jobcomp/filetxt log is read instead (`sacct -c`). Rejects when neither answers.
 */
export async function sacctState(
  jobId: string,
  options: SlurmCommandOptions,
): Promise<SlurmJobState | null> {
  const fields = ["--noheader", "--parsable2", `--jobs=${jobId}`, "--format=JobID,State,Reason"];
  let answer = await runSlurm("sacct", ["--allocations", ...fields], options);
  if (answer.code !== 0 && /accounting storage is disabled/i.test(answer.stdout))
    answer = await runSlurm(
      "sacct",
      ["--completion", ...fields.slice(0, 3), "--format=JobID,State"],
      options,
    );
  if (answer.code !== 0) throw new Error(`sacct failed: ${answer.stdout.trim().slice(0, 500)}`);
  // The last line of the job: the jobcomp log may hold an older job of the same id.
  let found: SlurmJobState | null = null;
  for (const line of answer.stdout.split("\n")) {
    const [id, state, reason] = line.trim().split("|");
    // "CANCELLED by 0": the state is the first word.
    if (id === jobId && state) found = { state: state.split(" ")[0]!, reason: reason ?? "" };
  }
  return found;
}

/** Whether slurmctld answers (`scontrol ping`): resolves, or rejects saying why not. */
export async function pingSlurm(options: SlurmCommandOptions): Promise<void> {
  const { stdout, code } = await runSlurm("scontrol", ["ping"], options);
  if (code !== 0 || !/\bUP\b/.test(stdout))
    throw new Error(`scontrol ping: ${stdout.trim().slice(0, 500)}`);
}

/** Cancels a job (the job's processes get SIGTERM, then SIGKILL after Slurm's KillWait). */
export async function scancel(jobId: string, options: SlurmCommandOptions): Promise<void> {
  const { stdout, code } = await runSlurm("scancel", [jobId], options);
  if (code !== 0) throw new Error(`scancel failed: ${stdout.trim().slice(0, 500)}`);
}

/** Cancels this user's jobs of a name (a job name is unique: runport-<run>-<attempt>). */
export async function scancelByName(jobName: string, options: SlurmCommandOptions): Promise<void> {
  const { stdout, code } = await runSlurm("scancel", [`--name=${jobName}`], options);
  if (code !== 0) throw new Error(`scancel failed: ${stdout.trim().slice(0, 500)}`);
}
