import { and, eq } from "drizzle-orm";
import { webhookEndpoints, type WebhookEndpointRow } from "@/db/schema";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";

/** One of the caller's endpoints; 404 for another user's or an unknown id (no hint either way). */
export async function getOwnWebhook(
  ctx: Pick<AppContext, "db">,
  principal: Principal,
  webhookId: string | number,
): Promise<WebhookEndpointRow> {
  const id = String(webhookId);
  const notFound = new AppError("NOT_FOUND", `You have no webhook with id "${id}"`);
  if (!/^[1-9][0-9]{0,15}$/.test(id)) throw notFound;
  const [row] = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, Number(id)), eq(webhookEndpoints.userId, principal.userId)));
  if (!row) throw notFound;
  return row;
}
