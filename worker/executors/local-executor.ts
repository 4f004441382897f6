import { spawn, type ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";

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
}

export interface RunningProcess {
  pid: number | undefined;
  startedAt: Promise<Date>;
  stdout: Readable;
  stderr: Readable;
  exited: Promise<ProcessExit>;
  /** Signals the whole process group (the pipeline and everything it started). */
  signalGroup(signal: NodeJS.Signals): void;
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
 * group (detached → setsid) so that cancel and timeout reach every descendant.
 */
export function startLocalProcess(spec: ProcessSpec): RunningProcess {
  const [program, ...args] = spec.argv;
  if (!program) throw new Error("empty command");
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
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  return {
    pid: child.pid,
    startedAt,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    signalGroup: (signal) => signalGroup(child, signal),
  };
}
