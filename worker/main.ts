// Worker process: takes queued runs from Redis and executes them. Any number may run,
// on any machine that reaches MySQL and Redis and has the pipeline folders.
import { runProcess } from "./run-process";
import { startWorker } from "./start-worker";

// A drain asked from the operations page stops it as SIGTERM does, then it exits 0 and its
// supervisor starts a fresh one.
runProcess("worker", (ctx, pipelines, control) =>
  startWorker(ctx, pipelines, { onDrainRequest: () => control.stop("drain") }),
);
