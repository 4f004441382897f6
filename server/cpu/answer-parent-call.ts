import type { CpuCallAnswer, CpuThreadMessage } from "./cpu-messages";
import type { Job } from "./cpu-pool";

/**
 * Answers a task's synchronous call to the parent (serve-cpu-tasks.ts): runs the parent's
 * function, posts its value (or the index of its error, kept in `job.parentErrors`) on the
 * call's own port, then wakes the thread waiting on the call's shared flag.
 */
export function answerParentCall(
  job: Job,
  call: Extract<CpuThreadMessage, { type: "call" }>,
): void {
  const fail = (error: unknown): CpuCallAnswer => ({
    ok: false,
    index: job.parentErrors.push(error) - 1,
  });
  const send = (answer: CpuCallAnswer) => {
    try {
      call.port.postMessage(answer);
    } catch (error) {
      // A value that cannot be cloned: the task fails with that error.
      call.port.postMessage(fail(error));
    }
    call.port.close();
    Atomics.store(call.signal, 0, 1);
    Atomics.notify(call.signal, 0);
  };
  const fn = job.parent[call.name];
  if (!fn) return send(fail(new Error(`CPU task ${job.task} called unknown "${call.name}"`)));
  const answer = Promise.resolve().then(() => fn(call.argument as never));
  job.call = answer;
  answer.then(
    (value) => send({ ok: true, value }),
    (error: unknown) => send(fail(error)),
  );
}
