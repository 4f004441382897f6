// GET /ga4gh/wes/v1/service-info: GA4GH service-info plus what WES 1.1.0 adds.
import { json } from "@/server/http/responses";
import { wesOrigin, wesRoute } from "@/server/http/wes-route";
import { getWesServiceInfo } from "@/server/wes/wes-service-info";

export const GET = wesRoute(async (call) =>
  json(await getWesServiceInfo(call.app, { principal: call.principal, origin: wesOrigin(call) })),
);
