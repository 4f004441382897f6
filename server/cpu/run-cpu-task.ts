import type { AppContext } from "../context";
import type { AppError } from "../errors";
import { versionsOf } from "../pipelines/resolve-pipeline";
import { toCallerError } from "./cpu-messages";
import { cpuTasks, type CpuTaskName, type CpuTasks } from "./cpu-tasks";

/**
 * Inputs up to this size are handled on the event loop: a thread hop costs more than
 * their CPU (a 32 KiB JSON body parses and validates in about 5 ms here). Larger ones
 * (and every .xlsx: exceljs takes tens of ms even for a template) go to the CPU pool.
 */
export const CPU_INLINE_MAX_BYTES = 32 * 1024;

type Input<N extends CpuTaskName> = Parameters<CpuTasks[N]>[1];
type Output<N extends CpuTaskName> = Awaited<ReturnType<CpuTasks[N]>>;

/**
 * Runs a CPU task inline (`offThread` false, or no pool in this process) or on the web
 * process's CPU pool (ctx.cpu), with the same answers and errors either way. `transfer`
 * (buffers of the input, see CpuRunOptions) moves them to the thread: the caller must not
 * read them afterwards; inline they are left as they are.
 */
export async function runCpuTask<N extends CpuTaskName>(
  ctx: Pick<AppContext, "db" | "caches" | "cpu" | "config">,
  name: N,
  input: Input<N>,
  options: {
    offThread: boolean;
    limitError?: (limit: "time" | "memory", seconds: number) => AppError;
    transfer?: ArrayBuffer[];
  },
): Promise<Output<N>> {
  const task = cpuTasks[name] as (ctx: unknown, input: Input<N>) => Promise<Output<N>>;
  if (!options.offThread || !ctx.cpu.available) return task(ctx, input);
  return ctx.cpu
    .run<Output<N>>(name, input, {
      parent: { pipelineVersions: (pipeline: string) => versionsOf(ctx, pipeline) },
      ...(options.limitError ? { limitError: options.limitError } : {}),
      ...(options.transfer ? { transfer: options.transfer } : {}),
    })
    .catch((error: unknown) => {
      throw toCallerError(error);
    });
}
