import type { WebhookDeliveryRow, WebhookEndpointRow } from "@/db/schema";
import type { WebhookDeliveryView, WebhookView } from "@/lib/contract/webhooks";

export function toWebhookView(row: WebhookEndpointRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events as WebhookView["events"],
    pipelines: row.pipelines,
    allUsers: row.allUsers,
    createdAt: row.createdAt.toISOString(),
    disabledAt: row.disabledAt?.toISOString() ?? null,
    disabledReason: row.disabledReason,
  };
}

export function toWebhookDeliveryView(row: WebhookDeliveryRow): WebhookDeliveryView {
  const data = row.payload.data as { id?: unknown } | undefined;
  return {
    id: row.id,
    messageId: row.messageId,
    eventType: row.eventType,
    runId: row.runEventId !== null && typeof data?.id === "string" ? data.id : null,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    lastResponseMs: row.lastResponseMs,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * A webhook URL as the audit log keeps it: origin and path, without the query or user
 * info, which some services use for a token (e.g. `?token=…`).
 */
export function auditedUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}${parsed.search ? "?…" : ""}`;
}
