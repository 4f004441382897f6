// POST /api/v1/webhooks/{id}/test: queues a `webhook.test` message to the endpoint → 202 with its delivery.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { sendTestWebhook } from "@/server/webhooks/send-test-webhook";

export const POST = apiRoute<{ id: string }>(async ({ request, params, app, principal }) =>
  json(
    await sendTestWebhook(app, {
      principal,
      webhookId: params.id,
      ip: clientIp(app.config, request.headers),
    }),
    { status: 202 },
  ),
);
