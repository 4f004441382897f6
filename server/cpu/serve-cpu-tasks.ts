/**
 * The loop of a CPU thread (runs inside the worker thread, see cpu-pool.ts): one task at a
 * time, its outcome or failure posted back. A task asks the web process for what only it
 * has (the pipelines in MySQL) with `callParent`, a synchronous call: the thread waits on
 * a shared flag while the parent answers on a port of its own (Atomics.wait and
 * receiveMessageOnPort), so code written for an in-memory cache can run here unchanged.
 */
import { getPriority, setPriority } from "node:os";
import { MessageChannel, parentPort, receiveMessageOnPort } from "node:worker_threads";
import {
  ParentCallError,
  toFailure,
  type CpuCallAnswer,
  type CpuTaskMessage,
  type CpuThreadMessage,
} from "./cpu-messages";

/** Asks the web process; returns its answer or throws ParentCallError. */
export type CallParent = (name: string, argument: unknown) => unknown;

export type CpuTaskHandler = (input: never, callParent: CallParent) => unknown;

/** How long a thread waits for the parent's answer (the task's own limit is usually lower). */
const CALL_WAIT_MS = 60_000;

function callParentFor(id: number): CallParent {
  return (name, argument) => {
    const port = parentPort!;
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const channel = new MessageChannel();
    const message: CpuThreadMessage = {
      type: "call",
      id,
      name,
      argument,
      signal,
      port: channel.port2,
    };
    port.postMessage(message, [channel.port2]);
    const waited = Atomics.wait(signal, 0, 0, CALL_WAIT_MS);
    const received = receiveMessageOnPort(channel.port1);
    channel.port1.close();
    if (!received) throw new Error(`the web process did not answer "${name}" (${waited})`);
    const answer = received.message as CpuCallAnswer;
    if (!answer.ok) throw new ParentCallError(answer.index);
    return answer.value;
  };
}

/**
 * The nice value of a CPU thread: on Linux, setpriority(2) on "the calling process" sets
 * only the calling thread's, so the event loop (which answers health and every small
 * request) is scheduled before the long tasks when the cores are busy.
 */
export const CPU_THREAD_NICE = 10;

/** Serves the tasks named in `handlers` on this thread's parent port. */
export function serveCpuTasks(handlers: Record<string, CpuTaskHandler>): void {
  const port = parentPort;
  if (!port) throw new Error("serveCpuTasks runs in a worker thread");
  try {
    setPriority(0, Math.max(getPriority(0), CPU_THREAD_NICE));
  } catch {
    // Not allowed or not supported here: the thread keeps the process's priority.
  }
  port.on("message", (message: CpuTaskMessage) => {
    const post = (reply: CpuThreadMessage) => {
      try {
        port.postMessage(reply);
      } catch (error) {
        // A value that cannot be cloned (a function, say) is a bug of the task.
        port.postMessage({ type: "failed", id: message.id, failure: toFailure(error) });
      }
    };
    void (async () => {
      try {
        const handler = handlers[message.task];
        if (!handler) throw new Error(`no CPU task named "${message.task}"`);
        const value: unknown = await handler(message.input as never, callParentFor(message.id));
        post({ type: "done", id: message.id, value });
      } catch (error) {
        post({ type: "failed", id: message.id, failure: toFailure(error) });
      }
    })();
  });
}
