// GET /api/health/live (no auth): liveness only — the web process answers. No I/O, so
// a load balancer may call it often (and the benchmark uses it as the trivial route).
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
