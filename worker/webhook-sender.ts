import type { AppContext } from "@/server/context";
import { pruneWebhookDeliveries } from "@/server/webhooks/prune-webhook-deliveries";
import { claimDueWebhooks, sendWebhookDelivery } from "@/server/webhooks/send-due-webhooks";

/** How often due webhook deliveries are looked for. */
const POLL_MS = 500;
/** Deliveries one worker sends at the same time (a slow target holds only its own). */
const IN_FLIGHT = 16;
/** How often old finished deliveries are deleted. */
const PRUNE_MS = 3600_000;
/** A failing database is reported at most this often (the poll would log twice a second). */
const WARN_EVERY_MS = 60_000;

export interface WebhookSender {
  stop(): Promise<void>;
}

/**
 * Sends webhook deliveries from a worker process, outside the beat: every 500 ms it leases
 * the due ones (up to 16 in flight) and sends each without waiting for the others.
 */
export function startWebhookSender(ctx: AppContext): WebhookSender {
  const inFlight = new Set<Promise<void>>();
  let claiming: Promise<void> | null = null;
  let stopped = false;
  let warnedAt = -Infinity;
  const warn = (error: unknown, what: string) => {
    if (Date.now() - warnedAt < WARN_EVERY_MS) return;
    warnedAt = Date.now();
    ctx.log.warn({ err: error }, what);
  };
  const claim = async () => {
    try {
      const claimed = await claimDueWebhooks(ctx, IN_FLIGHT - inFlight.size);
      // Claimed while stopping: left to their lease's end, then another worker sends them.
      if (stopped) return;
      for (const delivery of claimed) {
        const sending = sendWebhookDelivery(ctx, delivery).finally(() => inFlight.delete(sending));
        inFlight.add(sending);
      }
    } catch (error) {
      warn(error, "looking for webhook deliveries failed");
    }
  };
  const tick = () => {
    if (stopped || claiming || inFlight.size >= IN_FLIGHT) return;
    claiming = claim().finally(() => (claiming = null));
  };
  const prune = () =>
    void pruneWebhookDeliveries(ctx).catch((error: unknown) =>
      warn(error, "deleting old webhook deliveries failed"),
    );
  const timers = [setInterval(tick, POLL_MS), setInterval(prune, PRUNE_MS)];
  return {
    async stop() {
      stopped = true;
      timers.forEach(clearInterval);
      await claiming;
      await Promise.all(inFlight);
    },
  };
}
