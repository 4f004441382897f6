// Worker process: takes queued runs from Redis and executes them. Any number may run,
// on any machine that reaches MySQL and Redis and has the pipeline folders.
import { loadEnvConfig } from "@next/env";
import { createAppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { prepare } from "@/server/setup/prepare";
import { onShutdown } from "./shutdown";
import { startWorker } from "./start-worker";

async function main(): Promise<void> {
  loadEnvConfig(process.cwd());
  const ctx = createAppContext(loadConfig(), "worker");
  const pipelines = await prepare(ctx);
  const worker = startWorker(ctx, pipelines);
  onShutdown(ctx.log, async () => {
    await worker.stop();
    await ctx.close();
  });
}

main().catch((error: unknown) => {
  console.error("[worker] failed to start:", error);
  process.exit(1);
});
