import { loadEnvConfig } from "@next/env";
import { createAppContext, type AppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { prepare } from "@/server/setup/prepare";

/**
 * The life of a worker or beat process: its context, the database and pipelines made
 * ready (prepare), then `start`. SIGTERM/SIGINT stop it, close the context and exit 0;
 * a second signal exits at once. (pm2 sends SIGINT, systemd and Kubernetes SIGTERM.)
 */
export function runProcess(
  name: "worker" | "beat",
  start: (ctx: AppContext, pipelines: LoadedPipeline[]) => { stop(): Promise<void> },
): void {
  const main = async () => {
    loadEnvConfig(process.cwd());
    const ctx = createAppContext(loadConfig(), name);
    const handle = start(ctx, await prepare(ctx));
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        ctx.log.warn({ signal }, "second signal: exiting now");
        process.exit(1);
      }
      stopping = true;
      ctx.log.info({ signal }, "stopping");
      handle
        .stop()
        .then(() => ctx.close())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            ctx.log.error({ err: error }, "error while stopping");
            process.exit(1);
          },
        );
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  };
  main().catch((error: unknown) => {
    console.error(`[${name}] failed to start:`, error);
    process.exit(1);
  });
}
