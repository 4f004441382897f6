import type { Principal } from "../auth/principal";
import { authenticateHeader, unauthorized } from "../auth/authenticate";
import type { AppContext } from "../context";
import { getAppContext } from "./app-context";
import { problemResponse } from "./responses";

export interface ApiCall<P> {
  request: Request;
  url: URL;
  params: P;
  app: AppContext;
  principal: Principal;
}

type RouteContext<P> = { params: Promise<P> };

/**
 * The one wrapper of every authenticated REST route: it authenticates (Basic with a
 * password or token, or Bearer), hands the handler a context, and maps every error
 * to problem+json. Handlers stay thin: parse, call one service, answer.
 */
export function apiRoute<P = Record<string, never>>(
  handler: (call: ApiCall<P>) => Promise<Response>,
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  return async (request, context) => {
    let app: AppContext | undefined;
    try {
      app = getAppContext();
      const principal = await authenticateHeader(app, request.headers.get("authorization"));
      if (!principal)
        throw unauthorized("Sign in, or send HTTP Basic credentials or a bearer token");
      const params = await context.params;
      return await handler({ request, url: new URL(request.url), params, app, principal });
    } catch (error) {
      return problemResponse(error, app?.log);
    }
  };
}

/** The same wrapper without authentication (health, OpenAPI document). */
export function publicRoute(
  handler: (call: { request: Request; app: AppContext }) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    let app: AppContext | undefined;
    try {
      app = getAppContext();
      return await handler({ request, app });
    } catch (error) {
      return problemResponse(error, app?.log);
    }
  };
}
