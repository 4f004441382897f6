// next-auth's endpoints (sign-in with username and password, sign-out, CSRF token, session).
// Its POSTs carry next-auth's own CSRF token; a browser's cross-site POST is refused
// before that too, as for every unsafe request of the API.
import NextAuth from "next-auth";
import { createAuthOptions } from "@/server/auth/session";
import { assertNotCrossSite } from "@/server/http/api-route";
import { getAppContext } from "@/server/http/app-context";
import { problemResponse } from "@/server/http/responses";

type NextAuthContext = { params: Promise<{ nextauth: string[] }> };

function handler(request: Request, context: NextAuthContext): Promise<Response> {
  const app = getAppContext();
  try {
    assertNotCrossSite(app, request);
  } catch (error) {
    return Promise.resolve(problemResponse(error, app.log));
  }
  const nextAuth = NextAuth(createAuthOptions(app, request.headers)) as (
    request: Request,
    context: NextAuthContext,
  ) => Promise<Response>;
  return nextAuth(request, context);
}

export { handler as GET, handler as POST };
