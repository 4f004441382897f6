import type { Problem } from "@/lib/contract/problem";
import type { WesError } from "@/lib/contract/wes";
import { apiRoute, type ApiCall } from "./api-route";

type RouteContext<P> = { params: Promise<P> };

/** The statuses the WES specification declares besides 400; anything else 4xx is a 400. */
const KEPT = new Set([401, 403, 404, 429, 503]);

/** A problem's detail and each of its items (`/pointer: message (line L, column C)`). */
export function wesMessage(problem: Pick<Problem, "detail" | "errors">): string {
  const items = (problem.errors ?? []).map((e) => {
    const at = e.line === undefined ? "" : ` (line ${e.line}, column ${e.column})`;
    return `${e.path}: ${e.message}${at}`;
  });
  return items.length === 0 ? problem.detail : `${problem.detail}: ${items.join("; ")}`;
}

/**
 * apiRoute (authentication, CSRF, the same services and their authorization) for the
 * GA4GH WES endpoints, with errors as the specification's ErrorResponse
 * `{msg, status_code}` in application/json instead of problem+json. Validation errors
 * keep their JSON Pointers in `msg`. 4xx statuses the specification does not declare
 * (409, 413, 415, 422) become 400; 429 and 503 keep their Retry-After.
 */
export function wesRoute<P = Record<string, never>>(
  handler: (call: ApiCall<P>) => Promise<Response>,
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  const route = apiRoute(handler);
  return async (request, context) => {
    const response = await route(request, context);
    if (!(response.headers.get("content-type") ?? "").startsWith("application/problem+json"))
      return response;
    const problem = (await response.json()) as Problem;
    const status =
      KEPT.has(response.status) || response.status >= 500 || response.status < 400
        ? response.status
        : 400;
    const body: WesError = { msg: wesMessage(problem), status_code: status };
    const headers = new Headers(response.headers);
    headers.set("Content-Type", "application/json; charset=utf-8");
    return new Response(JSON.stringify(body), { status, headers });
  };
}

/** Where WES clients reach this server: PUBLIC_URL when set, else the request's origin. */
export function wesOrigin(call: Pick<ApiCall<unknown>, "app" | "url">): string {
  const publicUrl = call.app.config.publicUrl;
  return publicUrl ? new URL(publicUrl).origin : call.url.origin;
}
