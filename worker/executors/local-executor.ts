import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import type { Readable } from "node:stream";
import type { Launcher, LauncherPool } from "./process-launcher";

export interface ProcessSpec {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** The user to run as (RUN_AS_USER); Node then clears the supplementary groups too. */
  user?: { uid: number; gid: number };
}

export interface ProcessExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES, ...). */
  spawnError: Error | null;
  /** Set when the platform ended it (a Slurm job's TIMEOUT, NODE_FAIL, lost...): `error`. */
  platformError?: string;
  /** Let go of, still running (a Slurm job of a stopping worker): another worker takes it up. */
  left?: boolean;
}

export interface RunningProcess {
  pid: number | undefined;
  startedAt: Promise<Date>;
  stdout: Readable;
  stderr: Readable;
  exited: Promise<ProcessExit>;
  /** Signals the whole process group (the pipeline and everything it started). */
  signalGroup(signal: NodeJS.Signals): void;
  /** A Slurm job's id, once submitted (then `pid` stays undefined). */
  readonly slurmJobId?: string;
  /** The platform enforces the time limit (Slurm's --time): the worker sets no timer. */
  readonly timeLimitedElsewhere?: boolean;
  /** A Slurm job taken up from a worker that died: started, and recorded, before. */
  readonly attached?: boolean;
  /**
   * Stops following it and lets it run on (`exited` resolves with `left`); false when it
   * cannot be left (not submitted yet). Only where it outlives the worker (Slurm).
   */
  leave?(): boolean;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * Starts a pipeline command locally: argv only (never a shell), in its own process
 * group (detached → setsid) so that cancel and timeout reach every descendant. With a
 * waiting launcher from `launchers` (./process-launcher.ts) the command is exec'd by it,
 * with no fork on the way; otherwise it is spawned (forked) here.
 */
export function startLocalProcess(spec: ProcessSpec, launchers?: LauncherPool): RunningProcess {
  const [program, ...args] = spec.argv;
  if (!program) throw new Error("empty command");
  const launcher = plain(spec) ? launchers?.take(spec.user) : null;
  const started = launcher ? execInLauncher(launcher, spec, false).release() : null;
  if (started) return started;
  const child = spawn(program, args, {
    cwd: spec.cwd,
    env: spec.env as NodeJS.ProcessEnv,
    ...(spec.user ? { uid: spec.user.uid, gid: spec.user.gid } : {}),
    detached: true,
    shell: false,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const startedAt = new Promise<Date>((resolve) => {
    child.once("spawn", () => resolve(new Date()));
    child.once("error", () => resolve(new Date()));
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    let spawnError: Error | null = null;
    child.once("error", (error) => {
      spawnError = error;
      if (child.pid === undefined) resolve({ exitCode: null, signal: null, spawnError: error });
    });
    child.once("exit", (exitCode, signal) => {
      // Descendants left behind by the pipeline die with the run.
      signalGroup(child, "SIGKILL");
      resolve({ exitCode, signal, spawnError });
    });
  });
  return running(child, startedAt, exited);
}

/** NUL cannot pass through the launcher's records: spawn() refuses those values itself. */
const plain = (spec: ProcessSpec) =>
  [...spec.argv, spec.cwd, ...Object.entries(spec.env).flat()].every(
    (value) => !value.includes("\0"),
  );

/** A command handed to a launcher that waits for the word to run it (holdLocalProcess). */
export interface HeldProcess {
  /**
   * Lets it run: exec'd now (`startedAt` as with startLocalProcess). Once, or abandon.
   * Null when the launcher has died already (killed while it waited): nothing ran, start
   * the command another way.
   */
  release(): RunningProcess | null;
  /** It never runs: the launcher exits without exec'ing anything. */
  abandon(): void;
}

/**
 * Hands a command to a waiting launcher (`spec.cwd` need not exist yet) without letting
 * it run: it runs on release(), with nothing left to do but chdir and exec. The worker
 * does this while its claim commits, and releases once the commit has answered. Null when
 * no launcher is waiting (or the values hold a NUL): start it afterwards instead. A worker
 * that dies before release() closes the launcher's stdin, and the command never runs.
 */
export function holdLocalProcess(spec: ProcessSpec, launchers?: LauncherPool): HeldProcess | null {
  if (!spec.argv[0] || !plain(spec)) return null;
  const launcher = launchers?.take(spec.user);
  return launcher ? execInLauncher(launcher, spec, true) : null;
}

function running(
  child: ChildProcess,
  startedAt: Promise<Date>,
  exited: Promise<ProcessExit>,
  pid = () => child.pid,
): RunningProcess {
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  return {
    get pid() {
      return pid();
    },
    startedAt,
    stdout: child.stdout!,
    stderr: child.stderr!,
    exited,
    signalGroup: (signal) => signalGroup(child, signal),
  };
}

/** The error spawn() gives for the same failure (code, errno, syscall, path). */
function spawnFailure(errno: number, program: string, args: string[]): Error {
  const code =
    Object.entries(constants.errno).find(([, n]) => n === errno)?.[0] ?? `errno ${errno}`;
  return Object.assign(new Error(`spawn ${program} ${code}`), {
    errno: -errno,
    code,
    syscall: `spawn ${program}`,
    path: program,
    spawnargs: args,
  });
}

/**
 * Hands the command to a waiting launcher: cwd, argc, argv, env as NUL-separated records
 * and an empty one; "G" (at once, or on release when `hold`) lets it exec. It has started
 * when the launcher's fd 3 closes without an error (close-on-exec).
 */
function execInLauncher(launcher: Launcher, spec: ProcessSpec, hold: boolean): HeldProcess {
  const { child, status } = launcher;
  child.ref(); // the pool let it wait without holding the worker open
  const [program, ...args] = spec.argv as [string, ...string[]];
  const env = Object.entries(spec.env).map(([name, value]) => `${name}=${value}`);
  const records = [spec.cwd, String(spec.argv.length), ...spec.argv, ...env, ""];
  const command = records.map((r) => `${r}\0`).join("");
  // Watched from now on: a launcher that dies while held has ended by its release.
  let abandoned = false;
  const watched = watchLauncher(child, status, program, args, () => abandoned);
  let settled = false;
  const settle = () => {
    if (settled) throw new Error("the held command was released or abandoned already");
    settled = true;
  };
  if (hold) child.stdin!.write(command);
  else child.stdin!.end(`${command}G`);
  return {
    release: () => {
      settle();
      if (child.exitCode !== null || child.signalCode !== null) {
        abandoned = true; // nothing of it is left to kill
        return null;
      }
      if (hold) child.stdin!.end("G");
      return watched;
    },
    abandon: () => {
      settle();
      abandoned = true;
      child.stdin!.end();
      child.unref();
    },
  };
}

/** The RunningProcess of a launcher given a command (nothing to kill once `abandoned`). */
function watchLauncher(
  child: ChildProcess,
  status: Readable,
  program: string,
  args: string[],
  abandoned: () => boolean,
): RunningProcess {
  let answer = "";
  status.setEncoding("latin1");
  status.on("data", (text: string) => (answer += text));
  status.resume();
  let spawnError: Error | null = null;
  const statusEnded = new Promise<void>((resolve) => {
    status.once("close", resolve);
    status.once("error", () => resolve());
  });
  const startedAt = statusEnded.then(() => {
    const failed = /^E(\d+)/.exec(answer);
    if (failed) spawnError = spawnFailure(Number(failed[1]), program, args);
    return new Date();
  });
  const exitEvent = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once("exit", (exitCode, signal) => resolve([exitCode, signal])),
  );
  const exited = Promise.all([exitEvent, startedAt]).then(([[exitCode, signal]]) => {
    if (spawnError) return { exitCode: null, signal: null, spawnError };
    if (!abandoned()) signalGroup(child, "SIGKILL"); // descendants left behind die with the run
    return { exitCode, signal, spawnError: null };
  });
  // A command that could not be exec'd has no process: no pid, as with spawn().
  return running(child, startedAt, exited, () => (spawnError ? undefined : child.pid));
}
