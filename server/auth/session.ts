import { randomUUID } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getToken } from "next-auth/jwt";
import { and, eq, isNull } from "drizzle-orm";
import { users } from "@/db/schema";
import { withinTime } from "@/lib/within-time";
import type { AppContext } from "../context";
import { tooManyAttemptsError } from "@/lib/sign-in-error";
import { clientIp, requestIsHttps } from "../http/client-info";
import { checkPassword } from "./check-password";
import type { Principal } from "./principal";
import { signInFailure } from "./sign-in-failure";

/** Browser sessions last a working day; the JWT cookie is HttpOnly and SameSite=Lax. */
const SESSION_SECONDS = 12 * 3600;

/** next-auth's name of the session cookie when it is Secure (a browser takes it only over TLS). */
const SECURE_SESSION_COOKIE = "__Secure-next-auth.session-token";

/**
 * Secure cookies (next-auth's `__Secure-`/`__Host-` names) whenever the browser reached us
 * over TLS: PUBLIC_URL https, or a trusted proxy's X-Forwarded-Proto https for this request.
 */
function secureCookies(ctx: AppContext, headers?: Headers): boolean {
  return headers
    ? requestIsHttps(ctx.config, headers)
    : (ctx.config.publicUrl?.startsWith("https://") ?? false);
}

/** next-auth's request headers (a plain object, lowercase names) as a Headers. */
function headersOf(plain: Record<string, unknown> | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(plain ?? {}))
    if (typeof value === "string") headers.set(name, value);
  return headers;
}

/**
 * next-auth for the web sign-in: username + password against the users table. Pass the
 * request's headers so that its cookies are Secure when the request came over TLS.
 */
export function createAuthOptions(ctx: AppContext, headers?: Headers): NextAuthOptions {
  return {
    secret: ctx.config.authSecret,
    session: { strategy: "jwt", maxAge: SESSION_SECONDS },
    useSecureCookies: secureCookies(ctx, headers),
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Runport",
        credentials: {
          username: { label: "Username", type: "text" },
          password: { label: "Password", type: "password" },
        },
        // A refused attempt throws: next-auth hands the message to the form (lib/sign-in-error.ts).
        async authorize(credentials, request) {
          const username = credentials?.username ?? ""; // checkPassword normalises it
          const password = credentials?.password ?? "";
          if (!username || !password) return null;
          const address = clientIp(ctx.config, headersOf(request.headers));
          const check = await checkPassword(ctx, {
            username,
            password,
            address,
            via: "sign-in",
          }).catch((error: unknown) => Promise.reject(signInFailure(ctx, error)));
          if (check.outcome === "limited")
            throw new Error(tooManyAttemptsError(check.retryAfterSeconds));
          if (check.outcome === "wrong") return null;
          return { id: String(check.principal.userId), name: check.principal.username };
        },
      }),
    ],
    callbacks: {
      // next-auth re-issues the cookie (a fresh `iat`) whenever a page asks for the session,
      // so the sign-in time and the session id are claims of our own, set once at sign-in.
      jwt({ token, user }) {
        if (user) {
          token.uid = Number(user.id);
          token.sid = randomUUID();
          token.signedInAt = Math.floor(Date.now() / 1000);
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, uid: token.uid };
      },
    },
    events: {
      // Sign-out ends this session everywhere, also for a copy of its cookie.
      // Redis silent: the browser's cookie is removed all the same, within 2 s; only a
      // copy of it would live on (up to 12 h), and the log says so.
      async signOut({ token }) {
        if (typeof token?.sid !== "string") return;
        const mark = ctx.redis.set(ctx.keys.endedSession(token.sid), "1", "EX", SESSION_SECONDS);
        await withinTime(mark, 2000, () => new Error("Redis did not answer within 2 s")).catch(
          (error: unknown) =>
            ctx.log.warn({ err: error }, "sign-out not recorded: a copy of the cookie stays valid"),
        );
      },
    },
  };
}

/** What a session's user id stands for (ctx.caches.principals). */
export interface SessionUser {
  principal: Principal | null;
  passwordChangedAt: number;
}

/**
 * The principal of a browser session cookie, or null. The role and the disabled flag
 * are read from MySQL (cached for 10 s), so a role change or a disabled account takes
 * effect without waiting for the session to end.
 */
export async function principalFromSession(
  ctx: AppContext,
  cookies: Record<string, string>,
): Promise<Principal | null> {
  const token = await getToken({
    req: { headers: {}, cookies } as never,
    secret: ctx.config.authSecret,
    // Behind a TLS proxy the cookie has the Secure name; only a TLS response can set it.
    secureCookie:
      secureCookies(ctx) || Object.keys(cookies).some((n) => n.startsWith(SECURE_SESSION_COOKIE)),
  });
  const uid = typeof token?.uid === "number" ? token.uid : null;
  if (uid === null) return null;
  let hit = ctx.caches.principals.get(uid);
  if (!hit) {
    const [user] = await ctx.db
      .select({
        id: users.id,
        username: users.username,
        role: users.role,
        passwordChangedAt: users.passwordChangedAt,
      })
      .from(users)
      .where(and(eq(users.id, uid), isNull(users.disabledAt)))
      .limit(1);
    hit = {
      principal: user
        ? { userId: user.id, username: user.username, role: user.role, via: "session" }
        : null,
      passwordChangedAt: user?.passwordChangedAt?.getTime() ?? 0,
    };
    ctx.caches.principals.set(uid, hit);
  }
  // Over: a session without our claims (made before them), older than SESSION_SECONDS
  // since its sign-in however often renewed, begun before the last password change, or
  // signed out. Redis unreachable: the other checks still hold.
  const signedInAt = typeof token?.signedInAt === "number" ? token.signedInAt * 1000 : 0;
  if (typeof token?.sid !== "string" || Date.now() - signedInAt > SESSION_SECONDS * 1000)
    return null;
  if (signedInAt < hit.passwordChangedAt - 1000) return null;
  if (await endedSession(ctx, token.sid)) return null;
  return hit.principal;
}

/**
 * Whether sign-out ended this session. Fails open within half a second when Redis does not
 * answer (stopped, frozen): the session's 12 h lifetime still bounds a copied cookie, and
 * pages and submissions keep working through a Redis outage (docs/SECURITY.md).
 */
async function endedSession(ctx: AppContext, sid: string): Promise<boolean> {
  const late = () => new Error("Redis did not answer within 500 ms");
  const found = await withinTime(ctx.redis.exists(ctx.keys.endedSession(sid)), 500, late).catch(
    () => 0,
  );
  return found > 0;
}

/** Parses a Cookie header into name → value. */
export function parseCookies(header: string | null): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      cookies[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      cookies[name] = part.slice(eq + 1).trim();
    }
  }
  return cookies;
}
