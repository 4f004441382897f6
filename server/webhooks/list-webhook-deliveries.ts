import { desc, eq } from "drizzle-orm";
import { webhookDeliveries } from "@/db/schema";
import type { WebhookDeliveryList } from "@/lib/contract/webhooks";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { getOwnWebhook } from "./get-own-webhook";
import { toWebhookDeliveryView } from "./webhook-view";

/** The newest 100 deliveries of one of the caller's endpoints (the delivery log). */
export async function listWebhookDeliveries(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; webhookId: string | number },
): Promise<WebhookDeliveryList> {
  const endpoint = await getOwnWebhook(ctx, options.principal, options.webhookId);
  const rows = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.endpointId, endpoint.id))
    .orderBy(desc(webhookDeliveries.id))
    .limit(100);
  return { items: rows.map(toWebhookDeliveryView) };
}
