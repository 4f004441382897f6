// Worker process: takes queued runs from Redis and executes them. Any number may run,
// on any machine that reaches MySQL and Redis and has the pipeline folders.
import { runProcess } from "./run-process";
import { startWorker } from "./start-worker";

runProcess("worker", startWorker);
