import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync } from "node:fs";

/** The system user pipeline processes run as (RUN_AS_USER), as the kernel knows it. */
export interface RunAsUser {
  name: string;
  uid: number;
  gid: number;
}

/** Why a worker with RUN_AS_USER set cannot start: the message is for the operator. */
export class RunAsUserError extends Error {
  override name = "RunAsUserError";
}

/** The passwd entry of `name` through NSS (local files, LDAP, ...), or null when unknown. */
function lookUpUser(name: string): RunAsUser | null {
  let line: string;
  try {
    line = execFileSync("getent", ["passwd", name], { encoding: "utf8" });
  } catch {
    return null; // getent exits 2 for an unknown user
  }
  const [, , uid, gid] = line.trim().split(":");
  if (uid === undefined || gid === undefined) return null;
  return { name, uid: Number(uid), gid: Number(gid) };
}

/**
 * Resolves RUN_AS_USER once, at worker start, and refuses to go on when the worker could
 * not switch to it: an unknown user, root itself, or a worker that is not root. Unset:
 * null, and pipelines run as the worker's own user (as before).
 */
export function resolveRunAsUser(
  name: string | undefined,
  workerUid: number = process.getuid?.() ?? -1,
): RunAsUser | null {
  if (name === undefined) return null;
  if (workerUid !== 0) {
    throw new RunAsUserError(
      `RUN_AS_USER=${name} is set, but the worker runs as uid ${workerUid}: only root can start ` +
        `pipelines as another user. Start the worker as root, or unset RUN_AS_USER (pipelines ` +
        `then run as the worker's user and can read what it can).`,
    );
  }
  const user = lookUpUser(name);
  if (!user) {
    throw new RunAsUserError(
      `RUN_AS_USER=${name}: there is no such user on this machine. Create it ` +
        `(useradd --system --no-create-home --shell /usr/sbin/nologin ${name}; npm run up does ` +
        `this for runport-run) or unset RUN_AS_USER.`,
    );
  }
  if (user.uid === 0 || user.gid === 0) {
    throw new RunAsUserError(
      `RUN_AS_USER=${name} has uid ${user.uid} and gid ${user.gid}: pipelines must not run as root.`,
    );
  }
  return user;
}

/**
 * RUN_AS_USER cannot be honoured for Slurm jobs: sbatch submits a job as the user who runs
 * it (the worker's), and Slurm 22.05's sbatch has no way to submit for another user, so
 * the job would run as the worker's user. A worker with RUN_AS_USER and any Slurm
 * pipeline refuses to start rather than run those pipelines unconfined.
 */
export function refuseSlurmWithRunAs(
  runAs: RunAsUser | null,
  pipelines: readonly { name: string; version: string; definition: { executor?: string } }[],
): void {
  if (!runAs) return;
  const slurm = pipelines.filter((p) => p.definition.executor === "slurm");
  if (slurm.length === 0) return;
  const names = slurm.map((p) => `${p.name}@${p.version}`).join(", ");
  throw new RunAsUserError(
    `RUN_AS_USER=${runAs.name} cannot be honoured for the Slurm pipelines ${names}: sbatch ` +
      `submits jobs as the worker's user, so they would not run as ${runAs.name}. Unset ` +
      `RUN_AS_USER on this worker (the job runs as the user the worker submits as: give it ` +
      `its own account on the cluster), or install those pipelines only on a worker without it.`,
  );
}

const PROBE_ENV: Record<string, string> = { PATH: "/usr/bin:/bin" };

/**
 * Makes RUNS_DIR ready for runs as `user`: the worker's own (root's), mode 0711 so that the
 * run user can pass through it to its working folder but nobody but root can list the
 * run folders in it. Then starts a process as that user in it, to find out now, not at
 * the first run, when switching is impossible (no CAP_SETUID in a container) or the run
 * user cannot reach RUNS_DIR (a parent folder closed to others).
 */
export function prepareRunsDir(runsDir: string, user: RunAsUser): void {
  mkdirSync(runsDir, { recursive: true, mode: 0o711 });
  chmodSync(runsDir, 0o711);
  // chdir in the child: the one spawn does for `cwd` happens before it drops root.
  const probe = spawnSync(process.execPath, ["-e", "process.chdir(process.argv[1])", runsDir], {
    cwd: "/",
    uid: user.uid,
    gid: user.gid,
    env: PROBE_ENV as NodeJS.ProcessEnv,
    stdio: "ignore",
    timeout: 30_000,
  });
  if (probe.error || probe.status !== 0) {
    const why = probe.error?.message ?? `exit code ${probe.status}`;
    throw new RunAsUserError(
      `RUN_AS_USER=${user.name}: could not start a process as that user in ${runsDir} (${why}). ` +
        `Every folder above RUNS_DIR must be open to others (o+x), Node must be executable by ` +
        `that user, and the worker needs the right to switch users (root with CAP_SETUID).`,
    );
  }
}
