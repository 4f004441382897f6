import type { AppContext } from "@/server/context";
import { DRAIN_MESSAGE } from "@/server/operations/drain-workers";
import { createRedis } from "@/server/redis";

const POLL_MS = 5000;

/**
 * Calls `onDrain` once when an admin asks this worker to drain (operations page or the
 * rolling reload): at once through its Redis control channel, and by reading the drain key
 * every 5 s in case the message was missed. A request older than this worker's start (meant
 * for the worker it replaces, under the same WORKER_ID) is ignored.
 */
export function listenForDrain(
  ctx: AppContext,
  workerId: string,
  startedAt: string,
  onDrain: () => void,
): () => void {
  let called = false;
  const consider = (requestedAt: string | null | undefined) => {
    if (called || !requestedAt || Date.parse(requestedAt) < Date.parse(startedAt)) return;
    called = true;
    ctx.log.warn({ workerId, requestedAt }, "asked to drain: stopping");
    onDrain();
  };
  const subscriber = createRedis(ctx.config.redisUrl, "blocking", "runport-worker-control");
  subscriber.on("error", () => undefined);
  subscriber.on("message", (_channel: string, message: string) => {
    const [command, requestedAt] = message.split(" ");
    if (command === DRAIN_MESSAGE) consider(requestedAt);
  });
  void subscriber.subscribe(ctx.keys.workerControl(workerId)).catch((error: unknown) => {
    ctx.log.warn({ err: error }, "control subscription failed; reading the drain key only");
  });
  const poll = setInterval(() => {
    void ctx.redis
      .get(ctx.keys.workerDrain(workerId))
      .then(consider)
      .catch(() => undefined);
  }, POLL_MS);
  return () => {
    clearInterval(poll);
    subscriber.disconnect();
  };
}
