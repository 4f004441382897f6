// GET /api/v1/event-rules: every rule (administrators, operators).
// POST /api/v1/event-rules: a new rule, checked in full (administrators) → 201 + Location.
import { ZCreateEventRuleRequest } from "@/lib/contract/events";
import { createRule, listRules } from "@/server/events/rules";
import { apiRoute } from "@/server/http/api-route";
import { clientIp } from "@/server/http/client-info";
import { readJsonBody } from "@/server/http/json-body";
import { json } from "@/server/http/responses";

export const GET = apiRoute(async ({ app, principal }) => json(await listRules(app, principal)));

export const POST = apiRoute(async ({ request, app, principal }) => {
  const body = await readJsonBody(request, ZCreateEventRuleRequest, {
    limit: app.config.maxBodyBytes,
  });
  const rule = await createRule(app, {
    principal,
    fields: body.value,
    ip: clientIp(app.config, request.headers),
  });
  return json(rule, { status: 201, headers: { Location: rule.links.self } });
});
