// GET /api/v1/webhooks/{id}/deliveries: the endpoint's newest 100 deliveries (the delivery log).
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { listWebhookDeliveries } from "@/server/webhooks/list-webhook-deliveries";

export const GET = apiRoute<{ id: string }>(async ({ params, app, principal }) =>
  json(await listWebhookDeliveries(app, { principal, webhookId: params.id })),
);
