import { loadEnvConfig } from "@next/env";
import { createAppContext, type AppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { prepare } from "@/server/setup/prepare";

/** What `start` may do to its own process: stop as on SIGTERM (a drain asked by an admin). */
export interface ProcessControl {
  stop(reason: string): void;
}

/**
 * The life of a worker or beat process: its context, the database and pipelines made
 * ready (prepare), then `start`. SIGTERM/SIGINT, or `control.stop` (a drain asked from the
 * operations page), stop it, close the context and exit 0: PM2 (autorestart), systemd
 * (Restart=always) and supervisord (autorestart=true) all start a new one after an exit 0.
 * A second signal exits at once. (pm2 sends SIGINT, systemd and Kubernetes SIGTERM.)
 */
export function runProcess(
  name: "worker" | "beat",
  start: (
    ctx: AppContext,
    pipelines: LoadedPipeline[],
    control: ProcessControl,
  ) => { stop(): Promise<void> },
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const main = async () => {
    loadEnvConfig(process.cwd());
    const ctx = createAppContext(loadConfig(), name);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        if (!signal.startsWith("SIG")) return; // a second drain request: already stopping
        ctx.log.warn({ signal }, "second signal: exiting now");
        exit(1);
        return;
      }
      stopping = true;
      ctx.log.info({ signal }, "stopping");
      handle
        .stop()
        .then(() => ctx.close())
        .then(
          () => exit(0),
          (error: unknown) => {
            ctx.log.error({ err: error }, "error while stopping");
            exit(1);
          },
        );
    };
    const handle = start(ctx, await prepare(ctx), { stop });
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  };
  main().catch((error: unknown) => {
    console.error(`[${name}] failed to start:`, error);
    exit(1);
  });
}
