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
  let claiming = false;
  let warnedAt = -Infinity;
  const warn = (error: unknown, what: string) => {
    if (Date.now() - warnedAt < WARN_EVERY_MS) return;
    warnedAt = Date.now();
    ctx.log.warn({ err: error }, what);
  };
  const tick = async () => {
    if (claiming || inFlight.size >= IN_FLIGHT) return;
    claiming = true;
    try {
      for (const claimed of await claimDueWebhooks(ctx, IN_FLIGHT - inFlight.size)) {
        const sending = sendWebhookDelivery(ctx, claimed).finally(() => inFlight.delete(sending));
        inFlight.add(sending);
      }
    } catch (error) {
      warn(error, "looking for webhook deliveries failed");
    } finally {
      claiming = false;
    }
  };
  const prune = () =>
    void pruneWebhookDeliveries(ctx).catch((error: unknown) =>
      warn(error, "deleting old webhook deliveries failed"),
    );
  const timers = [setInterval(() => void tick(), POLL_MS), setInterval(prune, PRUNE_MS)];
  return {
    async stop() {
      timers.forEach(clearInterval);
      await Promise.all(inFlight);
    },
  };
}
