/**
 * A small pool of worker threads for the web process's CPU-heavy work (reading a large
 * workbook or CSV, parsing and validating a large JSON submission), so that one request's
 * seconds of CPU do not stop the event loop that answers every other request (health
 * included). Threads start on first use and stay; each runs one task at a time.
 *
 * - Bounded queue: beyond `maxQueue` waiting tasks, `run` throws a 503 with Retry-After.
 * - Time limit per task (from its start on a thread): the thread is terminated, the task
 *   answers `limitError("time")`, and a fresh thread takes the next task. The same for a
 *   thread that runs out of its heap (`limitError("memory")`).
 * - A failed task rejects with a CpuTaskError (its failure as data), which the caller
 *   turns into the same AppError as inline (toCallerError, cpu-messages.ts); the caller's
 *   own errors (`limitError`, a failed `parent` call) are rethrown as they are.
 * - A task may call functions of the parent (`parent`) synchronously: serve-cpu-tasks.ts.
 * - `transfer`: buffers of the input that move to the thread instead of being copied
 *   (the caller's views of them are empty afterwards): a copy of megabytes is made on
 *   the event loop, a transfer costs nothing there.
 *
 * The thread script is a bundle (dist/cpu-worker.cjs, scripts/build-workers.mjs): Next.js
 * bundles the server's code into chunks, so a TypeScript file path does not exist at run time.
 */
import { AsyncResource } from "node:async_hooks";
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { answerParentCall } from "./answer-parent-call";
import {
  CpuTaskError,
  type CpuFailure,
  type CpuTaskMessage,
  type CpuThreadMessage,
} from "./cpu-messages";

export interface CpuPoolOptions {
  /** The thread script (a .cjs bundle that calls serveCpuTasks). */
  script: string;
  /** Threads at most; 0 turns the pool off (`available` is false). */
  size: number;
  /** Tasks that may wait for a thread; one more is refused with a 503. */
  maxQueue: number;
  timeLimitMs: number;
  /** Old-generation heap of each thread, in MiB. */
  heapMb?: number;
  onThreadError?: (error: unknown) => void;
  /** Given to every thread as `workerData` (clonable). */
  workerData?: unknown;
}

/** Functions of the parent a task may call: one argument, any clonable answer. */
export type ParentCalls = Record<string, (argument: never) => unknown>;

export interface CpuRunOptions {
  parent?: ParentCalls;
  /** The answer when the task hits the time limit or the thread's heap limit. */
  limitError?: (limit: "time" | "memory", seconds: number) => Error;
  /** ArrayBuffers of `input` to move to the thread, not copy (postMessage's transfer list). */
  transfer?: ArrayBuffer[];
}

export interface Job {
  id: number;
  task: string;
  input: unknown;
  parent: ParentCalls;
  parentErrors: unknown[];
  limitError: NonNullable<CpuRunOptions["limitError"]>;
  transfer: ArrayBuffer[];
  /** A call to the parent in flight (the thread waits for it). */
  call?: Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Thread {
  worker: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
}

/** Seconds a client is told to wait when every thread is busy and the queue is full. */
export const CPU_BUSY_RETRY_SECONDS = 5;

function defaultLimitError(limit: "time" | "memory", seconds: number): Error {
  return new CpuTaskError("", {
    kind: "app",
    code: "VALIDATION_FAILED",
    detail:
      limit === "time"
        ? `The request took longer than ${seconds} s to check: send a smaller one`
        : "The request needs more memory to check than the server allows: send a smaller one",
  });
}

export class CpuPool {
  private readonly threads = new Set<Thread>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private scriptFound: boolean | undefined;

  constructor(private readonly options: CpuPoolOptions) {}

  /** Whether tasks can run here: a size above 0 and the thread script present. */
  get available(): boolean {
    this.scriptFound ??= existsSync(this.options.script);
    return this.options.size > 0 && this.scriptFound && !this.closed;
  }

  /** Tasks running and waiting (for tests and logs). */
  get load(): { running: number; waiting: number; threads: number } {
    const running = [...this.threads].filter((t) => t.job).length;
    return { running, waiting: this.queue.length, threads: this.threads.size };
  }

  run<T>(task: string, input: unknown, options: CpuRunOptions = {}): Promise<T> {
    if (!this.available) return Promise.reject(new Error("the CPU pool is not available"));
    const idle = [...this.threads].some((t) => !t.job) || this.threads.size < this.options.size;
    if (!idle && this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new CpuTaskError(task, {
          kind: "app",
          code: "SERVICE_UNAVAILABLE",
          detail: "The server is busy reading other large requests: try again in a few seconds",
          headers: { "Retry-After": String(CPU_BUSY_RETRY_SECONDS) },
        }),
      );
    }
    // The parent's functions run in the caller's async context (its statement budget).
    const parent = Object.fromEntries(
      Object.entries(options.parent ?? {}).map(([name, fn]) => [
        name,
        AsyncResource.bind(fn as (argument: unknown) => unknown),
      ]),
    );
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        task,
        input,
        parent,
        parentErrors: [],
        limitError: options.limitError ?? defaultLimitError,
        transfer: options.transfer ?? [],
        resolve,
        reject,
      });
      this.dispatch();
    });
  }

  /** Terminates every thread; waiting tasks fail. */
  async close(): Promise<void> {
    this.closed = true;
    const closed = new Error("the CPU pool was closed");
    for (const job of this.queue.splice(0)) job.reject(closed);
    await Promise.all([...this.threads].map((t) => this.stop(t, (job) => job.reject(closed))));
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      let thread = [...this.threads].find((t) => !t.job);
      if (!thread && this.threads.size < this.options.size) thread = this.spawn();
      if (!thread) return;
      this.start(thread, this.queue.shift()!);
    }
  }

  private spawn(): Thread {
    const heapMb = this.options.heapMb ?? 512;
    const worker = new Worker(this.options.script, {
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
      workerData: this.options.workerData,
    });
    const thread: Thread = { worker };
    worker.unref();
    worker.on("message", (message: CpuThreadMessage) => this.onMessage(thread, message));
    worker.on("error", (error: Error & { code?: string }) => {
      const job = thread.job;
      if (!job) return this.options.onThreadError?.(error);
      const seconds = this.options.timeLimitMs / 1000;
      this.finish(thread, (j) =>
        j.reject(
          error.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? job.limitError("memory", seconds)
            : new CpuTaskError(job.task, { kind: "bug", message: error.message }),
        ),
      );
    });
    worker.on("exit", () => {
      this.threads.delete(thread);
      this.finish(thread, (j) => j.reject(new Error(`CPU task ${j.task}: its thread exited`)));
      this.dispatch();
    });
    this.threads.add(thread);
    return thread;
  }

  private start(thread: Thread, job: Job): void {
    thread.job = job;
    thread.worker.ref();
    thread.timer = setTimeout(() => {
      const limit = job.limitError("time", this.options.timeLimitMs / 1000);
      // Out of time while waiting for the parent (MySQL not answering): the parent's own
      // failure (a 503) says more than the time limit, once it comes.
      const call = job.call;
      void this.stop(thread, (j) =>
        call
          ? call.then(
              () => j.reject(limit),
              (error: unknown) => j.reject(error),
            )
          : j.reject(limit),
      );
    }, this.options.timeLimitMs);
    const message: CpuTaskMessage = { id: job.id, task: job.task, input: job.input };
    try {
      thread.worker.postMessage(message, job.transfer);
    } catch (error) {
      // An input that cannot be sent (DataCloneError: a detached buffer): this task fails,
      // the thread is free again, and the caller (maybe an exit handler) does not throw.
      this.finish(thread, (j) => j.reject(error));
    }
  }

  /** Ends the thread's task (if any) with `settle`, and frees the thread. */
  private finish(thread: Thread, settle: (job: Job) => unknown): void {
    const job = thread.job;
    clearTimeout(thread.timer);
    thread.job = undefined;
    thread.worker.unref();
    if (job) settle(job);
  }

  private async stop(thread: Thread, settle: (job: Job) => unknown): Promise<void> {
    this.threads.delete(thread);
    this.finish(thread, settle);
    await thread.worker.terminate();
    this.dispatch();
  }

  private onMessage(thread: Thread, message: CpuThreadMessage): void {
    const job = thread.job;
    if (!job || message.id !== job.id) return;
    if (message.type === "call") return answerParentCall(job, message);
    this.finish(thread, (j) =>
      message.type === "done"
        ? j.resolve(message.value)
        : j.reject(this.failed(j, message.failure)),
    );
    this.dispatch();
  }

  /** A failed call to the parent is rethrown as the parent's own error. */
  private failed(job: Job, failure: CpuFailure): unknown {
    if (failure.kind !== "parent") return new CpuTaskError(job.task, failure);
    return job.parentErrors[failure.index] ?? new Error(`CPU task ${job.task}: a call failed`);
  }
}
