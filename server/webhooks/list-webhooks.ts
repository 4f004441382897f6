import { desc, eq } from "drizzle-orm";
import { webhookEndpoints } from "@/db/schema";
import type { WebhookList } from "@/lib/contract/webhooks";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { toWebhookView } from "./webhook-view";

/** The caller's webhook endpoints, newest first (never their secrets). */
export async function listWebhooks(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal },
): Promise<WebhookList> {
  const rows = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.userId, options.principal.userId))
    .orderBy(desc(webhookEndpoints.id));
  return { items: rows.map(toWebhookView) };
}
