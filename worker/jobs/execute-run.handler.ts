import type { Job } from "bullmq";
import { ZExecuteRunPayload } from "@/server/queue/run-queue";
import { executeRun, type ExecuteRunDeps } from "../execute-run";

/** BullMQ processor of `execute-run` jobs: check the payload, then run the service. */
export function createExecuteRunHandler(deps: ExecuteRunDeps) {
  return async (job: Job): Promise<void> => {
    const payload = ZExecuteRunPayload.parse(job.data);
    await executeRun(deps, payload.runId);
  };
}
