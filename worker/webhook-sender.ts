import type { AppContext } from "@/server/context";
import { claimDueWebhooks, sendWebhookDelivery } from "@/server/webhooks/send-due-webhooks";

/** How often due webhook deliveries are looked for. */
const POLL_MS = 500;
/** Deliveries one worker sends at the same time (a slow target holds only its own). */
const IN_FLIGHT = 16;

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
  const tick = async () => {
    if (claiming || inFlight.size >= IN_FLIGHT) return;
    claiming = true;
    try {
      for (const claimed of await claimDueWebhooks(ctx, IN_FLIGHT - inFlight.size)) {
        const sending = sendWebhookDelivery(ctx, claimed).finally(() => inFlight.delete(sending));
        inFlight.add(sending);
      }
    } catch (error) {
      ctx.log.warn({ err: error }, "looking for webhook deliveries failed");
    } finally {
      claiming = false;
    }
  };
  const timer = setInterval(() => void tick(), POLL_MS);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}
