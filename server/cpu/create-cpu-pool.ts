import path from "node:path";
import type { Config } from "../env";
import type { Logger } from "../logger";
import { CpuPool } from "./cpu-pool";

/**
 * The web process's CPU pool from its config. The thread script is the bundle that
 * `npm run build` writes (scripts/build-workers.mjs), found from the working directory as
 * dist/*.cjs are; without it (`next dev` before a build) requests are read inline.
 */
export function createCpuPool(
  config: Pick<
    Config,
    "cpuPoolSize" | "cpuPoolQueue" | "cpuTaskSeconds" | "pipelinesPath" | "dataRoots"
  >,
  log: Pick<Logger, "error">,
): CpuPool {
  return new CpuPool({
    script: path.resolve("dist/cpu-worker.cjs"),
    size: config.cpuPoolSize,
    maxQueue: config.cpuPoolQueue,
    timeLimitMs: config.cpuTaskSeconds * 1000,
    onThreadError: (error) => log.error({ err: error }, "CPU thread failed between tasks"),
    // What the path checks of a config need (server/pipelines/config-path-problems.ts).
    workerData: { pipelinesPath: config.pipelinesPath, dataRoots: config.dataRoots },
  });
}
