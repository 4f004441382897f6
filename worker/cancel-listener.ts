import type { AppContext } from "@/server/context";
import { createRedis } from "@/server/redis";
import { findCancellingRuns } from "@/server/runs/find-cancelling-runs";
import type { ActiveRun } from "./execute-run";

const POLL_MS = 5000;

/**
 * Delivers cancel requests to the runs this worker executes: at once through Redis
 * pub/sub, and by polling MySQL every 5 s in case a message was missed (Redis restart).
 */
export function listenForCancels(ctx: AppContext, active: Map<string, ActiveRun>): () => void {
  const subscriber = createRedis(ctx.config.redisUrl, "blocking", "runport-worker-cancel");
  subscriber.on("error", () => undefined);
  subscriber.on("message", (_channel: string, runId: string) => active.get(runId)?.cancel());
  void subscriber.subscribe(ctx.keys.cancelChannel).catch((error: unknown) => {
    ctx.log.warn({ err: error }, "cancel subscription failed; polling MySQL only");
  });
  const poll = setInterval(() => {
    void findCancellingRuns(ctx, { runIds: [...active.keys()] })
      .then((ids) => ids.forEach((id) => active.get(id)?.cancel()))
      .catch(() => undefined);
  }, POLL_MS);
  return () => {
    clearInterval(poll);
    subscriber.disconnect();
  };
}
