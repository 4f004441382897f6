// GET /api/v1/schedules: the schedules the caller may see (submitters: their own).
// POST /api/v1/schedules: {name, pipeline, config, cron, timeZone?, enabled?, missedPolicy?} → 201 + Location.
import { clientIp } from "@/server/http/client-info";
import { apiRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";
import { createSchedule } from "@/server/schedules/create-schedule";
import { listSchedules } from "@/server/schedules/list-schedules";
import { readJsonText } from "@/server/http/json-body";

export const GET = apiRoute(async ({ app, principal }) =>
  json(await listSchedules(app, { principal })),
);

export const POST = apiRoute(async ({ request, app, principal }) => {
  const bodyText = await readJsonText(request, app.config.maxBodyBytes);
  const schedule = await createSchedule(app, {
    principal,
    bodyText,
    ip: clientIp(app.config, request.headers),
  });
  return json(schedule, { status: 201, headers: { Location: schedule.links.self } });
});
