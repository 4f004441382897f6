import { eq } from "drizzle-orm";
import { webhookDeliveries } from "@/db/schema";
import type { WebhookDeliveryView } from "@/lib/contract/webhooks";
import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { getOwnWebhook } from "./get-own-webhook";
import { newMessageId } from "./webhook-events";
import { toWebhookDeliveryView } from "./webhook-view";

/**
 * Queues a `webhook.test` message to one of the caller's endpoints (sent by a worker within
 * a second or so, like any delivery, and logged). 409 when the endpoint is disabled.
 */
export async function sendTestWebhook(
  ctx: Pick<AppContext, "db" | "log">,
  options: { principal: Principal; webhookId: string | number; ip?: string },
): Promise<WebhookDeliveryView> {
  const endpoint = await getOwnWebhook(ctx, options.principal, options.webhookId);
  if (endpoint.disabledAt) {
    throw new AppError("CONFLICT", `The webhook is disabled: ${endpoint.disabledReason ?? ""}`);
  }
  const now = new Date();
  const [result] = await ctx.db.insert(webhookDeliveries).values({
    endpointId: endpoint.id,
    runEventId: null,
    messageId: newMessageId(),
    eventType: "webhook.test",
    payload: {
      type: "webhook.test",
      timestamp: now.toISOString(),
      data: { webhook: endpoint.id, user: options.principal.username },
    },
    nextAttemptAt: now,
    createdAt: now,
  });
  await recordAudit(ctx, {
    action: "webhook.test",
    actor: options.principal,
    ip: options.ip ?? null,
    target: { type: "user", id: options.principal.username },
    details: { webhook: endpoint.id },
  });
  const [row] = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.id, result.insertId));
  return toWebhookDeliveryView(row!);
}
