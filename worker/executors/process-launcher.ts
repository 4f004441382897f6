import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import type { Readable } from "node:stream";

/**
 * Pre-started launchers: small processes, started while the worker is idle, that each
 * wait for ONE command and then exec it in place (same pid, same pipes, same process
 * group). A run then starts without a fork on its path: forking the worker (100+ MB of
 * Node) blocks its event loop, and on a busy machine the new child waits for a CPU behind
 * every runnable task (the scheduler places a forked child last), while a sleeping
 * launcher that is woken runs at once. Figures: docs/notes/latency.md.
 *
 * The launcher is Perl (perl-base is part of every Debian/Ubuntu system) because Node 20
 * cannot exec in place. It reads NUL-separated records from its stdin: cwd, argc,
 * argv[0..argc-1], then the environment as NAME=value, then an empty record (the end of
 * the command); then one byte, "G" to go. Only then does it chdir and exec: a command can
 * be handed over before it may run (the worker does while its claim commits) and held at
 * that barrier. Anything but "G" (the worker abandoning it, dying, or the pool closing:
 * EOF) makes it exit quietly without running anything. It answers on fd 3: "R" once it
 * waits, "E<errno>" when chdir or exec failed (then exits 127). fd 3 is close-on-exec,
 * so its end without an "E" means that the command runs. No shell is involved:
 * `exec { $argv[0] } @argv` is execvp on the array, PATH from the new env.
 */
export const LAUNCHER_SCRIPT = String.raw`
open(my $status, '>&=', 3) or exit 126;
fcntl($status, 2, 1);
syswrite($status, 'R');
my ($cwd, @argv, %env);
sub field { my $f = <STDIN>; exit 0 unless defined($f) && chomp($f); return $f; }
{
  local $/ = "\0";
  $cwd = field();
  my $argc = field();
  exit 0 unless $argc =~ /^[1-9][0-9]*$/;
  push @argv, field() for 1 .. $argc;
  while ((my $pair = field()) ne '') { my ($name, $value) = split(/=/, $pair, 2); $env{$name} = $value; }
}
%ENV = %env;
my $go = getc(STDIN);
exit 0 unless defined($go) && $go eq 'G';
sub fail { syswrite($status, 'E' . ($! + 0)); exit 127; }
open(STDIN, '<', '/dev/null') or fail();
chdir($cwd) or fail();
exec { $argv[0] } @argv or fail();
`;

export const PERL = "/usr/bin/perl";

/** A launcher that has started and waits for its command. */
export interface Launcher {
  child: ChildProcess;
  /** The launcher's fd 3 (see LAUNCHER_SCRIPT). */
  status: Readable;
}

export interface LauncherPool {
  /** A waiting launcher for `user` (undefined: the worker's own), or null: spawn directly. */
  take(user: { uid: number; gid: number } | undefined): Launcher | null;
  /** How many launchers wait now (started and ready). */
  waiting(): number;
  /** Ends the waiting launchers and starts no more. */
  close(): void;
}

export interface LauncherPoolOptions {
  /** How many launchers wait at most (one per free slot is plenty; 1–2 in practice). */
  size: number;
  /** The user every pipeline process of this worker runs as (RUN_AS_USER). */
  user?: { uid: number; gid: number };
  /** Told once when launchers cannot start (no perl): runs then fork as before. */
  onUnavailable?: (error: Error) => void;
}

const sameUser = (a?: { uid: number; gid: number }, b?: { uid: number; gid: number }) =>
  a?.uid === b?.uid && a?.gid === b?.gid;

/**
 * Keeps up to `size` launchers waiting. A launcher that dies while it waits is dropped;
 * one taken is replaced after the taker's exec, off the path of that run's start.
 */
export function createLauncherPool(options: LauncherPoolOptions): LauncherPool {
  const ready: Launcher[] = [];
  /** How to detach the pool's listeners from each launcher it started (once taken). */
  const launchers = new Map<Launcher, () => void>();
  let starting = 0;
  let closed = options.size <= 0;
  if (!closed && !existsSync(PERL)) {
    closed = true;
    options.onUnavailable?.(new Error(`${PERL} not found`));
  }
  let refill: NodeJS.Immediate | undefined;

  const start = () => {
    starting++;
    const child: ChildProcess = spawn(PERL, ["-e", LAUNCHER_SCRIPT], {
      cwd: "/",
      env: {} as NodeJS.ProcessEnv,
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
      detached: true,
      shell: false,
      stdio: ["pipe", "pipe", "pipe", "pipe"],
    });
    const status = child.stdio[3] as Readable;
    const launcher = { child, status };
    let state: "starting" | "waiting" | "gone" = "starting";
    const drop = () => {
      if (state === "starting") starting--;
      if (state === "waiting") ready.splice(ready.indexOf(launcher), 1);
      state = "gone";
      launchers.delete(launcher);
    };
    const onError = (error: Error) => {
      drop();
      if (!closed) options.onUnavailable?.(error);
      closed = true; // perl cannot run here: every run forks as before
    };
    const onReady = (answer: Buffer) => {
      if (state !== "starting") return;
      starting--;
      status.pause(); // read again by the taker; meanwhile nothing keeps the loop busy
      if (answer.toString("latin1") !== "R" || closed) {
        state = "gone";
        child.stdin?.end();
        return;
      }
      state = "waiting";
      ready.push(launcher);
    };
    child.once("error", onError);
    child.once("exit", drop);
    status.once("data", onReady);
    // An unused stdin must not fail the worker (EPIPE once the launcher has gone).
    child.stdin?.on("error", () => undefined);
    launchers.set(launcher, () => {
      state = "gone";
      launchers.delete(launcher);
      child.off("error", onError);
      child.off("exit", drop);
      status.off("data", onReady);
    });
    // Never let a launcher hold the worker open at exit (its stdin ends there and then).
    child.unref();
  };

  const fill = () => {
    refill = undefined;
    while (!closed && ready.length + starting < options.size) start();
  };
  fill();

  return {
    take(user) {
      if (!sameUser(user, options.user)) return null;
      const launcher = ready.shift() ?? null;
      if (!launcher) return null;
      launchers.get(launcher)?.();
      // The replacement is forked once this one has exec'd (or failed to): a fork blocks
      // the worker until its child has exec'd too, which must not delay this start.
      launcher.status.once("close", () => {
        if (!closed) refill ??= setImmediate(fill);
      });
      return launcher;
    },
    waiting: () => ready.length,
    close() {
      closed = true;
      if (refill) clearImmediate(refill);
      for (const launcher of ready.splice(0)) launcher.child.stdin?.end();
    },
  };
}

/** Resolves once `count` launchers of the pool wait (perl's start takes ms to seconds). */
export async function launchersWaiting(
  pool: LauncherPool,
  count: number,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pool.waiting() < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} launchers waiting`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
