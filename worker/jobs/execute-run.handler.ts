import { DelayedError, type Job } from "bullmq";
import { ZExecuteRunPayload } from "@/server/queue/run-queue";
import { executeRun, type ExecuteRunDeps } from "../execute-run";

/** A run over a pipeline or user limit is tried again this much later (it stays queued). */
export const LIMITED_RETRY_MS = 2000;
/**
 * A run whose limit locks another worker holds is tried again after 100–300 ms: with a
 * default quota every submitter's batch meets this, and 2 s each time would slow it to a
 * crawl (the jitter keeps the contenders from meeting again).
 */
const busyRetryMs = () => 100 + Math.floor(Math.random() * 200);

/**
 * While MySQL does not answer, claims are tried again after 1 s, 2 s, 4 s ... at most
 * 15 s (`failures`: claims in a row that got no answer, in this worker).
 */
export const unavailableRetryMs = (failures: number) =>
  Math.min(1000 * 2 ** Math.max(0, failures - 1), 15_000);

/** BullMQ processor of `execute-run` jobs: check the payload, then run the service. */
export function createExecuteRunHandler(deps: ExecuteRunDeps) {
  let failures = 0;
  return async (job: Job, token?: string): Promise<void> => {
    const payload = ZExecuteRunPayload.parse(job.data);
    const result = await executeRun(deps, payload.runId);
    failures = result === "unavailable" ? failures + 1 : 0;
    if (result === "limited" || result === "busy" || result === "unavailable") {
      // Back to the queue as a delayed job: no slot is held while it waits.
      const delay =
        result === "busy"
          ? busyRetryMs()
          : result === "unavailable"
            ? unavailableRetryMs(failures)
            : LIMITED_RETRY_MS;
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
  };
}
