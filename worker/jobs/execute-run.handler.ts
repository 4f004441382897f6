import { DelayedError, type Job } from "bullmq";
import { ZExecuteRunPayload } from "@/server/queue/run-queue";
import { executeRun, type ExecuteRunDeps } from "../execute-run";

/** A run over a pipeline or user limit is tried again this much later (it stays queued). */
export const LIMITED_RETRY_MS = 2000;

/** BullMQ processor of `execute-run` jobs: check the payload, then run the service. */
export function createExecuteRunHandler(deps: ExecuteRunDeps) {
  return async (job: Job, token?: string): Promise<void> => {
    const payload = ZExecuteRunPayload.parse(job.data);
    if ((await executeRun(deps, payload.runId)) === "limited") {
      // Back to the queue as a delayed job: no slot is held while it waits.
      await job.moveToDelayed(Date.now() + LIMITED_RETRY_MS, token);
      throw new DelayedError();
    }
  };
}
