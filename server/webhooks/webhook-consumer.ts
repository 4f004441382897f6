import { and, eq, isNull, sql } from "drizzle-orm";
import { users, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import type { AppContext } from "../context";
import type { RunEventConsumer, RunEventNotice } from "../run-events/follow-run-events";
import { newMessageId, runEventPayload, webhookEventOf } from "./webhook-events";

interface Subscription {
  id: number;
  userId: number;
  events: string[];
  pipelines: string[] | null;
  everyone: boolean;
  createdAt: Date;
}

/** The enabled endpoints of enabled users (a small table: read whole per batch). */
async function listSubscriptions(ctx: Pick<AppContext, "db">): Promise<Subscription[]> {
  const rows = await ctx.db
    .select({
      id: webhookEndpoints.id,
      userId: webhookEndpoints.userId,
      events: webhookEndpoints.events,
      pipelines: webhookEndpoints.pipelines,
      allUsers: webhookEndpoints.allUsers,
      createdAt: webhookEndpoints.createdAt,
      role: users.role,
    })
    .from(webhookEndpoints)
    .innerJoin(users, eq(users.id, webhookEndpoints.userId))
    .where(and(isNull(webhookEndpoints.disabledAt), isNull(users.disabledAt)));
  // Everyone's runs only while the owner is still an administrator.
  return rows.map((r) => ({ ...r, everyone: r.allUsers && r.role === "admin" }));
}

/** An endpoint gets the events that came after it was created (not the ones handed again). */
function wants(s: Subscription, type: string, event: RunEventNotice): boolean {
  return (
    s.createdAt <= event.createdAt &&
    (s.everyone || s.userId === event.userId) &&
    s.events.includes(type) &&
    (s.pipelines === null || s.pipelines.includes(event.pipelineName))
  );
}

/**
 * Turns run events into webhook deliveries (rows only; the workers send them:
 * worker/webhook-sender.ts). Idempotent: one row per event and endpoint (unique key).
 */
export const webhookConsumer: RunEventConsumer = {
  name: "webhooks",
  async handle(ctx, events) {
    const typed = events.flatMap((e) => {
      const type = webhookEventOf(e.toStatus);
      return type ? [{ type, event: e }] : [];
    });
    if (typed.length === 0) return;
    const subscriptions = await listSubscriptions(ctx);
    const now = new Date();
    const rows = typed.flatMap(({ type, event }) =>
      subscriptions
        .filter((s) => wants(s, type, event))
        .map((s) => ({
          endpointId: s.id,
          runEventId: event.id,
          messageId: newMessageId(),
          eventType: type,
          payload: runEventPayload(type, event, ctx.config.publicUrl),
          nextAttemptAt: now,
          createdAt: now,
        })),
    );
    if (rows.length === 0) return;
    await ctx.db
      .insert(webhookDeliveries)
      .values(rows)
      .onDuplicateKeyUpdate({ set: { endpointId: sql`endpoint_id` } });
  },
};
