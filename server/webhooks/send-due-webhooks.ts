import { randomInt } from "node:crypto";
import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import {
  webhookDeliveries,
  webhookEndpoints,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from "@/db/schema";
import type { AppContext } from "../context";
import { postWebhook, type PostResult } from "./post-webhook";
import { decryptWebhookSecret } from "./webhook-secret";

/** Deliveries one call takes at most (sent at the same time). */
const BATCH = 16;

/** The wait before attempt `attempts + 1`, ±20 % jitter; null when none is left. */
export function retryDelayMs(retryMs: readonly number[], attempts: number): number | null {
  const base = retryMs[attempts - 1];
  if (base === undefined) return null;
  return Math.round(base * (0.8 + randomInt(0, 401) / 1000));
}

type Ctx = Pick<AppContext, "db" | "config" | "log">;

export interface ClaimedDelivery {
  delivery: WebhookDeliveryRow;
  endpoint: WebhookEndpointRow;
}

/**
 * Leases up to `limit` due deliveries, so that two workers never send one at the same
 * time; a worker that dies mid-send leaves the lease to run out (timeout + 30 s), then
 * another sends it again (receivers de-duplicate on `webhook-id`).
 */
export async function claimDueWebhooks(
  ctx: Ctx,
  limit: number,
  now = new Date(),
): Promise<ClaimedDelivery[]> {
  const leaseMs = ctx.config.webhooks.timeoutMs + 30_000;
  const free = or(isNull(webhookDeliveries.leaseUntil), lte(webhookDeliveries.leaseUntil, now));
  const due = await ctx.db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(eq(webhookDeliveries.state, "pending"), lte(webhookDeliveries.nextAttemptAt, now), free),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit);
  if (due.length === 0) return [];
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const claimed: number[] = [];
  for (const { id } of due) {
    const [result] = await ctx.db
      .update(webhookDeliveries)
      .set({ leaseUntil })
      .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.state, "pending"), free));
    if (result.affectedRows === 1) claimed.push(id);
  }
  if (claimed.length === 0) return [];
  return ctx.db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(inArray(webhookDeliveries.id, claimed));
}

/** Claims and sends the due deliveries, waiting for them all (tests; the worker: ../../worker/webhook-sender.ts). */
export async function sendDueWebhooks(ctx: Ctx, now = new Date()): Promise<number> {
  const claimed = await claimDueWebhooks(ctx, BATCH, now);
  await Promise.all(claimed.map((c) => sendWebhookDelivery(ctx, c)));
  return claimed.length;
}

/** One attempt of a claimed delivery, its outcome recorded; never throws (logs instead). */
export function sendWebhookDelivery(ctx: Ctx, claimed: ClaimedDelivery): Promise<void> {
  return sendOne(ctx, claimed).catch((error: unknown) =>
    ctx.log.error({ err: error, delivery: claimed.delivery.id }, "webhook delivery failed"),
  );
}

async function sendOne(ctx: Ctx, { delivery, endpoint }: ClaimedDelivery): Promise<void> {
  let result: PostResult;
  if (endpoint.disabledAt) {
    result = { status: null, error: "the endpoint is disabled", ms: 0 };
  } else {
    result = await postWebhook({
      url: endpoint.url,
      secret: decryptWebhookSecret(ctx.config.authSecret, endpoint.secretCipher),
      messageId: delivery.messageId,
      body: JSON.stringify(delivery.payload),
      allowedHosts: ctx.config.webhooks.allowedHosts,
      timeoutMs: ctx.config.webhooks.timeoutMs,
    });
  }
  const attempts = delivery.attempts + 1;
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const gone = result.status === 410;
  const wait =
    ok || gone || endpoint.disabledAt ? null : retryDelayMs(ctx.config.webhooks.retryMs, attempts);
  const finished = new Date();
  await ctx.db
    .update(webhookDeliveries)
    .set({
      state: ok ? "succeeded" : wait === null ? "failed" : "pending",
      attempts,
      nextAttemptAt: wait === null ? null : new Date(finished.getTime() + wait),
      leaseUntil: null,
      lastAttemptAt: finished,
      lastStatusCode: result.status,
      lastError: result.error,
      lastResponseMs: result.ms,
    })
    // Only while the lease is still ours: a send that outlived it may have been sent again
    // by another worker, whose outcome stands.
    .where(
      and(
        eq(webhookDeliveries.id, delivery.id),
        delivery.leaseUntil ? eq(webhookDeliveries.leaseUntil, delivery.leaseUntil) : undefined,
      ),
    );
  if (gone) {
    await ctx.db
      .update(webhookEndpoints)
      .set({ disabledAt: finished, disabledReason: "The target answered 410 Gone" })
      .where(and(eq(webhookEndpoints.id, endpoint.id), isNull(webhookEndpoints.disabledAt)));
    // Nothing more goes to a gone endpoint.
    await ctx.db
      .update(webhookDeliveries)
      .set({
        state: "failed",
        nextAttemptAt: null,
        lastError: sql`COALESCE(last_error, 'the endpoint is disabled (410 Gone)')`,
      })
      .where(
        and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.state, "pending")),
      );
    ctx.log.warn({ endpoint: endpoint.id }, "webhook endpoint answered 410 Gone: disabled");
  }
}
