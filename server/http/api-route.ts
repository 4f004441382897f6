import type { Principal, TokenScope } from "../auth/principal";
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

/** True when the Origin header names this server: its Host (as the proxy passed it) or PUBLIC_URL. */
function originIsOurs(app: AppContext, request: Request, origin: string): boolean {
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  const publicHost = app.config.publicUrl ? new URL(app.config.publicUrl).host : null;
  return originHost !== "" && (originHost === host || originHost === publicHost);
}

const CROSS_SITE =
  "Cross-site request refused: send it from Runport's own pages, or use an API token";

/**
 * CSRF, whatever the credentials: a browser sends the session cookie, and also Basic
 * credentials it cached from a prompt, with a form another site submits. So every
 * request that changes something is refused when the browser says it comes from another
 * site (Sec-Fetch-Site `cross-site` or `same-site`) or names another Origin. curl and
 * scripts send neither header and are not concerned.
 */
export function assertNotCrossSite(app: AppContext, request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  const site = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  if (site === "cross-site" || site === "same-site") throw new AppError("FORBIDDEN", CROSS_SITE);
  if (origin !== null && !originIsOurs(app, request, origin))
    throw new AppError("FORBIDDEN", CROSS_SITE);
}

/**
 * The session cookie is only sent by browsers, which always send Origin with a POST: a
 * request authenticated by it that changes something must name this host. The cookie
 * is also SameSite=Lax.
 */
export function assertSameOrigin(app: AppContext, request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.get("origin");
  if (origin !== null && originIsOurs(app, request, origin)) return;
  throw new AppError("FORBIDDEN", CROSS_SITE);
}

/**
 * A browser loading an API URL as a page (a link, "Download the whole log", the address
 * bar). Without credentials it is sent to the sign-in page rather than answered with a
 * Basic challenge: a browser that shows our prompt caches what is typed into it and then
 * sends it with every request to this host, other sites' forms included.
 */
export function isBrowserNavigation(request: Request): boolean {
  const h = request.headers;
  if (h.get("sec-fetch-mode") === "navigate" || h.get("sec-fetch-dest") === "document") return true;
  return !h.has("authorization") && (h.get("accept") ?? "").includes("text/html");
}

/** Any request a browser made (fetch, EventSource, navigation): it never needs our Basic prompt. */
function isFromBrowser(request: Request): boolean {
  return request.headers.has("sec-fetch-site") || isBrowserNavigation(request);
}

/** 303 to the sign-in page, which comes back to this URL (path and query) afterwards. */
function signInRedirect(url: URL): Response {
  const back = encodeURIComponent(`${url.pathname}${url.search}`);
  return new Response(null, {
    status: 303,
    headers: { Location: `/signin?callbackUrl=${back}`, "Cache-Control": "no-store" },
  });
}

async function authenticate(app: AppContext, request: Request): Promise<Principal> {
  assertNotCrossSite(app, request);
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
  /** The token scope this route also accepts (other routes refuse scoped tokens: 403). */
  options: { scope?: TokenScope } = {},
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  return (request, context) =>
    withProblems(async (app) => {
      const url = new URL(request.url);
      let principal: Principal;
      try {
        principal = await authenticate(app, request);
      } catch (error) {
        const answer = withoutChallenge(error, request, url);
        if (answer instanceof Response) return answer;
        throw answer;
      }
      if (principal.scope && principal.scope !== options.scope) {
        throw new AppError(
          "FORBIDDEN",
          `This API token is limited to ${principal.scope}: it cannot be used here`,
        );
      }
      const params = await context.params;
      return handler({ request, url, params, app, principal });
    });
}

/**
 * A 401 for a browser: a page load (GET) goes to the sign-in page; anything else is
 * answered without `WWW-Authenticate`, so the browser shows no Basic prompt. Scripts
 * keep the challenge.
 */
function withoutChallenge(error: unknown, request: Request, url: URL): unknown {
  if (!(error instanceof AppError) || error.code !== "UNAUTHORIZED" || !isFromBrowser(request))
    return error;
  if (SAFE_METHODS.has(request.method) && isBrowserNavigation(request)) return signInRedirect(url);
  return new AppError("UNAUTHORIZED", error.message);
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
