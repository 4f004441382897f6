// GET, PATCH, DELETE /api/v1/event-rules/{id}: one rule (changes: administrators).
import { ZUpdateEventRuleRequest } from "@/lib/contract/events";
import { deleteRule, getRule, updateRule } from "@/server/events/rules";
import { apiRoute } from "@/server/http/api-route";
import { clientIp } from "@/server/http/client-info";
import { readJsonBody } from "@/server/http/json-body";
import { json } from "@/server/http/responses";

type Params = { id: string };

export const GET = apiRoute<Params>(async ({ app, principal, params }) =>
  json(await getRule(app, principal, params.id)),
);

export const PATCH = apiRoute<Params>(async ({ request, app, principal, params }) => {
  const body = await readJsonBody(request, ZUpdateEventRuleRequest, {
    limit: app.config.maxBodyBytes,
  });
  return json(
    await updateRule(app, {
      principal,
      publicId: params.id,
      changes: body.value,
      ip: clientIp(app.config, request.headers),
    }),
  );
});

export const DELETE = apiRoute<Params>(async ({ request, app, principal, params }) => {
  await deleteRule(app, {
    principal,
    publicId: params.id,
    ip: clientIp(app.config, request.headers),
  });
  return new Response(null, { status: 204 });
});
