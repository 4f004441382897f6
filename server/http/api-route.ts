import type { Principal } from "../auth/principal";
import { authenticateHeader, unauthorized } from "../auth/authenticate";
import { parseCookies, principalFromSession } from "../auth/session";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { getAppContext } from "./app-context";
import { clientIp } from "./client-info";
import { problemResponse } from "./responses";

export interface ApiCall<P> {
  request: Request;
  url: URL;
  params: P;
  app: AppContext;
  principal: Principal;
}

type RouteContext<P> = { params: Promise<P> };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF: a request authenticated by the session cookie that changes something must come
 * from our own pages — its Origin (sent by every browser on POST) names this host. The
 * cookie is also SameSite=Lax. Basic and Bearer requests carry their own credentials
 * and need no such check.
 */
export function assertSameOrigin(app: AppContext, request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.get("origin");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  let originHost: string | null = null;
  try {
    originHost = origin ? new URL(origin).host : null;
  } catch {
    originHost = null;
  }
  const publicHost = app.config.publicUrl ? new URL(app.config.publicUrl).host : null;
  if (originHost && (originHost === host || originHost === publicHost)) return;
  throw new AppError(
    "FORBIDDEN",
    "Cross-site request refused: send it from Runport's own pages, or use an API token",
  );
}

async function authenticate(app: AppContext, request: Request): Promise<Principal> {
  const fromHeader = await authenticateHeader(
    app,
    request.headers.get("authorization"),
    clientIp(app.config, request.headers),
  );
  if (fromHeader) return fromHeader;
  const fromSession = await principalFromSession(app, parseCookies(request.headers.get("cookie")));
  if (!fromSession) throw unauthorized("Sign in, or send HTTP Basic credentials or a bearer token");
  assertSameOrigin(app, request);
  return fromSession;
}

/**
 * The one wrapper of every authenticated REST route: it authenticates (Basic with a
 * password or token, Bearer, or the browser's session cookie with a same-origin check),
 * hands the handler a context, and maps every error to problem+json. Handlers stay
 * thin: parse, call one service, answer.
 */
export function apiRoute<P = Record<string, never>>(
  handler: (call: ApiCall<P>) => Promise<Response>,
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  return (request, context) =>
    withProblems(async (app) => {
      const principal = await authenticate(app, request);
      const params = await context.params;
      return handler({ request, url: new URL(request.url), params, app, principal });
    });
}

/** The same wrapper without authentication (health, OpenAPI document). */
export function publicRoute(
  handler: (call: { request: Request; app: AppContext }) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return (request) => withProblems((app) => handler({ request, app }));
}

/** Runs a handler with the web process's context; any error becomes problem+json. */
async function withProblems(handler: (app: AppContext) => Promise<Response>): Promise<Response> {
  let app: AppContext | undefined;
  try {
    app = getAppContext();
    return await handler(app);
  } catch (error) {
    return problemResponse(error, app?.log);
  }
}
