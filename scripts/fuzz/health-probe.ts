/**
 * Polls GET /api/health from a worker thread while the fuzzer runs: the fuzzer's own
 * event loop is busy building megabyte documents, and must not delay the probe it
 * measures. Each poll is kept with its wall-clock start, to name the cases in flight.
 */
import { Worker } from "node:worker_threads";

export interface HealthPoll {
  at: number;
  ms: number;
  status: number;
}

const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const polls = [];
let running = true;
parentPort.on("message", () => { running = false; });
(async () => {
  while (running) {
    const at = Date.now();
    const start = performance.now();
    let status = 0;
    try {
      const response = await fetch(workerData.url, { signal: AbortSignal.timeout(10000) });
      await response.arrayBuffer();
      status = response.status;
    } catch {}
    polls.push({ at, ms: performance.now() - start, status });
    await new Promise((resolve) => setTimeout(resolve, workerData.intervalMs));
  }
  parentPort.postMessage(polls);
})();
`;

/** Starts polling `${baseUrl}/api/health`; stop() returns every poll. */
export function startHealthProbe(baseUrl: string, intervalMs = 50) {
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: { url: `${baseUrl}/api/health`, intervalMs },
  });
  return {
    async stop(): Promise<HealthPoll[]> {
      const polls = new Promise<HealthPoll[]>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      worker.postMessage("stop");
      const result = await polls;
      await worker.terminate();
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
