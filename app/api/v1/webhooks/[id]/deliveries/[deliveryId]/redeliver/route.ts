// POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver: sends a delivery again now → 202.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { redeliverWebhook } from "@/server/webhooks/redeliver-webhook";

export const POST = apiRoute<{ id: string; deliveryId: string }>(
  async ({ request, params, app, principal }) =>
    json(
      await redeliverWebhook(app, {
        principal,
        webhookId: params.id,
        deliveryId: params.deliveryId,
        ip: clientIp(app.config, request.headers),
      }),
      { status: 202 },
    ),
);
