/**
 * Polls GET /api/health from a process of its own while the fuzzer runs: the fuzzer
 * builds and checks megabyte documents, and a probe in its process (on a worker thread,
 * before) measured up to 382 ms for a poll the web's loop held 104 ms. A child process
 * measures the server and the machine, not the fuzzer. Each poll is kept with its
 * wall-clock start, to name the cases in flight.
 *
 * A fresh process's first fetch also loads and compiles fetch itself (undici) and opens
 * the connection: at load ~20 the first poll took 452 ms of which the web's handler took
 * 44 ms, the request reaching the web 242 ms after the poll began. So the probe loads
 * fetch first with a `data:` URL (no request to the server: nothing unmeasured reaches
 * it), and marks its first poll (`first`), which still holds the connection's set-up.
 */
import { spawn } from "node:child_process";

export interface HealthPoll {
  at: number;
  ms: number;
  status: number;
  /** The probe's first poll: its own connection and first use of the HTTP client included. */
  first?: true;
}

const SOURCE = `
const url = process.env.PROBE_URL;
const intervalMs = Number(process.env.PROBE_INTERVAL_MS);
const polls = [];
let running = true;
process.on("message", () => { running = false; });
process.on("disconnect", () => process.exit(0));
(async () => {
  try {
    await (await fetch("data:,")).arrayBuffer();
  } catch {}
  while (running) {
    const at = Date.now();
    const start = performance.now();
    let status = 0;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10000) });
      await response.arrayBuffer();
      status = response.status;
    } catch {}
    const poll = { at, ms: performance.now() - start, status };
    polls.push(polls.length === 0 ? { ...poll, first: true } : poll);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  process.send(polls, () => process.disconnect());
})();
`;

/** Starts polling `${baseUrl}/api/health`; stop() returns every poll. */
export function startHealthProbe(baseUrl: string, intervalMs = 50) {
  // Only what the probe needs: not the parent's NODE_OPTIONS (tsx's loader, a profiler).
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    PROBE_URL: `${baseUrl}/api/health`,
    PROBE_INTERVAL_MS: String(intervalMs),
  };
  const child = spawn(process.execPath, ["-e", SOURCE], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => resolve(`exited (${signal ?? code})`)),
  );
  return {
    async stop(): Promise<HealthPoll[]> {
      const polls = new Promise<HealthPoll[]>((resolve, reject) => {
        child.once("message", (message) => resolve(message as HealthPoll[]));
        child.once("error", reject);
        void exited.then((how) => reject(new Error(`the health probe ${how} before its report`)));
      });
      child.send("stop");
      const result = await polls;
      await exited;
      return result;
    },
  };
}

/** The q-quantile (0..1) of latencies, nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
