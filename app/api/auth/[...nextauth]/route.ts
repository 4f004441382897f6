// next-auth's endpoints (sign-in with username and password, sign-out, CSRF token, session).
import NextAuth from "next-auth";
import { createAuthOptions } from "@/server/auth/session";
import { getAppContext } from "@/server/http/app-context";

function handler(
  request: Request,
  context: { params: Promise<{ nextauth: string[] }> },
): Promise<Response> {
  const nextAuth = NextAuth(createAuthOptions(getAppContext())) as (
    request: Request,
    context: { params: Promise<{ nextauth: string[] }> },
  ) => Promise<Response>;
  return nextAuth(request, context);
}

export { handler as GET, handler as POST };
