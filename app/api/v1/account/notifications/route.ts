// GET /api/v1/account/notifications: your mail address and the run ends mailed to you.
// PATCH the same: {email?, emailStatuses?} → 200 with the settings; a bad field → 422.
import { apiRoute } from "@/server/http/api-route";
import { readJsonBody, SMALL_BODY_LIMIT } from "@/server/http/json-body";
import { ZUpdateNotificationSettingsRequest } from "@/lib/contract/account";
import { getNotificationSettings } from "@/server/notifications/get-notification-settings";
import { updateNotificationSettings } from "@/server/notifications/update-notification-settings";

const NO_STORE = { "Cache-Control": "no-store" };

export const GET = apiRoute(async ({ app, principal }) =>
  Response.json(await getNotificationSettings(app, { principal }), { headers: NO_STORE }),
);

export const PATCH = apiRoute(async ({ request, app, principal }) => {
  const body = await readJsonBody(request, ZUpdateNotificationSettingsRequest, {
    limit: SMALL_BODY_LIMIT,
  });
  const settings = await updateNotificationSettings(app, { principal, changes: body.value });
  return Response.json(settings, { headers: NO_STORE });
});
