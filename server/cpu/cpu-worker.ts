/**
 * Entry of a CPU thread of the web process (bundled to dist/cpu-worker.cjs by
 * scripts/build-workers.mjs; started by cpu-pool.ts).
 */
import { workerData } from "node:worker_threads";
import type { ValidateFunction } from "ajv";
import { TtlCache } from "../cache";
import { cpuTasks } from "./cpu-tasks";
import { serveCpuTasks, type CpuTaskHandler } from "./serve-cpu-tasks";
import { threadContext, type ThreadConfig } from "./thread-context";

const validators = new TtlCache<string, ValidateFunction>({ ttlMs: Infinity, maxEntries: 500 });

serveCpuTasks(
  Object.fromEntries(
    Object.entries(cpuTasks).map(([name, task]): [string, CpuTaskHandler] => [
      name,
      (input, callParent) =>
        (task as (ctx: unknown, input: unknown) => unknown)(
          threadContext(callParent, validators, workerData as ThreadConfig),
          input,
        ),
    ]),
  ),
);
