// GET /api/v1/webhooks: the caller's webhook endpoints (never their secrets).
// POST /api/v1/webhooks: {url, events?, pipelines?, allUsers?} → 201 with the secret, shown only this once.
import { ZCreateWebhookRequest } from "@/lib/contract/webhooks";
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { readJsonBody, SMALL_BODY_LIMIT } from "@/server/http/json-body";
import { json } from "@/server/http/responses";
import { createWebhook } from "@/server/webhooks/create-webhook";
import { listWebhooks } from "@/server/webhooks/list-webhooks";

export const GET = apiRoute(async ({ app, principal }) =>
  json(await listWebhooks(app, { principal })),
);

export const POST = apiRoute(async ({ request, app, principal }) => {
  const body = await readJsonBody(request, ZCreateWebhookRequest, { limit: SMALL_BODY_LIMIT });
  return json(
    await createWebhook(app, {
      principal,
      ...body.value,
      ip: clientIp(app.config, request.headers),
    }),
    { status: 201 },
  );
});
