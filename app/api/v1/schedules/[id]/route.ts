// GET /api/v1/schedules/{id}: one schedule.
// PATCH /api/v1/schedules/{id}: change any of its fields (enable/disable, cron, config...) → 200.
// DELETE /api/v1/schedules/{id}: → 204; its runs stay.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { deleteSchedule } from "@/server/schedules/delete-schedule";
import { getSchedule } from "@/server/schedules/get-schedule";
import { readJsonText } from "@/server/http/json-body";
import { updateSchedule } from "@/server/schedules/update-schedule";

export const GET = apiRoute<{ id: string }>(async ({ params, app, principal }) =>
  json(await getSchedule(app, { principal, scheduleId: params.id })),
);

export const PATCH = apiRoute<{ id: string }>(async ({ request, params, app, principal }) => {
  const bodyText = await readJsonText(request, app.config.maxBodyBytes);
  return json(
    await updateSchedule(app, {
      principal,
      scheduleId: params.id,
      bodyText,
      ip: clientIp(app.config, request.headers),
    }),
  );
});

export const DELETE = apiRoute<{ id: string }>(async ({ request, params, app, principal }) => {
  await deleteSchedule(app, {
    principal,
    scheduleId: params.id,
    ip: clientIp(app.config, request.headers),
  });
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
