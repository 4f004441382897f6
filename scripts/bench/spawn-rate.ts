import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Starts `argv` the way the worker's local executor does and resolves when it is gone. */
function spawnOnce(argv: readonly string[], cwd: string): Promise<void> {
  const [program, ...args] = argv;
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd };
  return new Promise((resolve, reject) => {
    const child = spawn(program!, args, {
      cwd,
      env: env as NodeJS.ProcessEnv,
      detached: true,
      shell: false,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.resume();
    child.stderr.resume();
    child.once("error", reject);
    // "close": exited and both pipes drained, as the worker waits for.
    child.once("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${argv.join(" ")} exited with ${code}`)),
    );
  });
}

/**
 * The bare process-spawn rate: `concurrency` loops, each starting the command as soon
 * as the previous one ended, for `seconds` (after a short warm-up). This is the ceiling
 * for runs per second of a worker with the same concurrency on this machine.
 */
export async function measureSpawnRate(
  argv: readonly string[],
  concurrency: number,
  seconds: number,
) {
  const cwd = mkdtempSync(path.join(tmpdir(), "runport-bench-spawn-"));
  try {
    const loop = async (until: number) => {
      let count = 0;
      while (performance.now() < until) {
        await spawnOnce(argv, cwd);
        count++;
      }
      return count;
    };
    const warmUp = performance.now() + 500;
    await Promise.all(Array.from({ length: concurrency }, () => loop(warmUp)));
    const started = performance.now();
    const until = started + seconds * 1000;
    const counts = await Promise.all(Array.from({ length: concurrency }, () => loop(until)));
    const elapsed = (performance.now() - started) / 1000;
    const spawns = counts.reduce((a, b) => a + b, 0);
    return { concurrency, spawns, seconds: elapsed, perSecond: spawns / elapsed };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
