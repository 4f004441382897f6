// Beat process: schedules, reconciling MySQL with Redis, lost-worker detection,
// retention. Run one or more; exactly one is active at a time.
import { loadEnvConfig } from "@next/env";
import { createAppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { prepare } from "@/server/setup/prepare";
import { onShutdown } from "./shutdown";
import { startBeat } from "./start-beat";

async function main(): Promise<void> {
  loadEnvConfig(process.cwd());
  const ctx = createAppContext(loadConfig(), "beat");
  await prepare(ctx);
  const beat = startBeat(ctx);
  ctx.log.info({ instanceId: beat.instanceId }, "beat started");
  onShutdown(ctx.log, async () => {
    await beat.stop();
    await ctx.close();
  });
}

main().catch((error: unknown) => {
  console.error("[beat] failed to start:", error);
  process.exit(1);
});
