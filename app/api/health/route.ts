// GET /api/health (no auth): database, Redis, workers, beat. 503 when MySQL or Redis is down.
import { getHealth } from "@/server/health/get-health";
import { publicRoute } from "@/server/http/api-route";
import { json } from "@/server/http/responses";

export const dynamic = "force-dynamic";

export const GET = publicRoute(async ({ app }) => {
  const health = await getHealth(app);
  return json(health, { status: health.status === "down" ? 503 : 200 });
});
