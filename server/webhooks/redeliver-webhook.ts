import { and, eq } from "drizzle-orm";
import { webhookDeliveries } from "@/db/schema";
import type { WebhookDeliveryView } from "@/lib/contract/webhooks";
import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { getOwnWebhook } from "./get-own-webhook";
import { toWebhookDeliveryView } from "./webhook-view";

/**
 * Sends a delivery again now, with the same `webhook-id` (receivers that already have it
 * can ignore it) and a fresh schedule of retries. 404 for an unknown delivery of the
 * endpoint; 409 while the endpoint is disabled or the delivery is being sent.
 */
export async function redeliverWebhook(
  ctx: Pick<AppContext, "db" | "log">,
  options: {
    principal: Principal;
    webhookId: string | number;
    deliveryId: string | number;
    ip?: string;
  },
): Promise<WebhookDeliveryView> {
  const endpoint = await getOwnWebhook(ctx, options.principal, options.webhookId);
  const id = String(options.deliveryId);
  const notFound = new AppError("NOT_FOUND", `The webhook has no delivery with id "${id}"`);
  if (!/^[1-9][0-9]{0,15}$/.test(id)) throw notFound;
  const mine = and(
    eq(webhookDeliveries.id, Number(id)),
    eq(webhookDeliveries.endpointId, endpoint.id),
  );
  const [before] = await ctx.db.select().from(webhookDeliveries).where(mine);
  if (!before) throw notFound;
  if (endpoint.disabledAt) {
    throw new AppError("CONFLICT", `The webhook is disabled: ${endpoint.disabledReason ?? ""}`);
  }
  if (before.leaseUntil && before.leaseUntil > new Date()) {
    throw new AppError("CONFLICT", "The delivery is being sent right now: try again in a moment");
  }
  await ctx.db
    .update(webhookDeliveries)
    .set({ state: "pending", attempts: 0, nextAttemptAt: new Date() })
    .where(mine);
  await recordAudit(ctx, {
    action: "webhook.redeliver",
    actor: options.principal,
    ip: options.ip ?? null,
    target: { type: "user", id: options.principal.username },
    details: { webhook: endpoint.id, delivery: before.id, event: before.eventType },
  });
  const [row] = await ctx.db.select().from(webhookDeliveries).where(mine);
  return toWebhookDeliveryView(row!);
}
