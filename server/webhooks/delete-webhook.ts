import { eq } from "drizzle-orm";
import { webhookEndpoints } from "@/db/schema";
import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { getOwnWebhook } from "./get-own-webhook";
import { auditedUrl } from "./webhook-view";

/** Deletes one of the caller's endpoints and its delivery log; 404 when it is not theirs. */
export async function deleteWebhook(
  ctx: Pick<AppContext, "db" | "log">,
  options: { principal: Principal; webhookId: string | number; ip?: string },
): Promise<void> {
  const row = await getOwnWebhook(ctx, options.principal, options.webhookId);
  await ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, row.id));
  await recordAudit(ctx, {
    action: "webhook.delete",
    actor: options.principal,
    ip: options.ip ?? null,
    target: { type: "user", id: options.principal.username },
    details: { webhook: row.id, url: auditedUrl(row.url) },
  });
}
