// DELETE /api/v1/webhooks/{id}: deletes one of the caller's endpoints and its delivery log → 204.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { deleteWebhook } from "@/server/webhooks/delete-webhook";

export const DELETE = apiRoute<{ id: string }>(async ({ request, params, app, principal }) => {
  await deleteWebhook(app, {
    principal,
    webhookId: params.id,
    ip: clientIp(app.config, request.headers),
  });
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
