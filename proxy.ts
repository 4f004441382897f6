// Next.js proxy (formerly middleware): tells server components the requested path, so
// that a page reached without a session sends the visitor back to exactly it (query
// included) after signing in. It decides nothing about access: pages and the API do.
// It also answers paths that are not percent-encoded UTF-8 (`/api/v1/runs/%FF`): Next.js
// would fail to decode the dynamic segment and answer a plain-text 500 before any route
// code runs (vercel/next.js#92527; found by the fuzzer, scripts/fuzz).
import { NextResponse, type NextRequest } from "next/server";
import { AppError } from "@/server/errors";
import { problemResponse } from "@/server/http/responses";

export const RETURN_PATH_HEADER = "x-runport-path";

function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export function proxy(request: NextRequest): NextResponse | Response {
  const { pathname, search } = request.nextUrl;
  if (!decodable(pathname)) {
    if (!pathname.startsWith("/api/")) return new Response("Not found", { status: 404 });
    const detail = "There is nothing at this path: it is not valid percent-encoded UTF-8";
    return problemResponse(new AppError("NOT_FOUND", detail), undefined);
  }
  if (pathname.startsWith("/api/")) return NextResponse.next();
  const headers = new Headers(request.headers);
  headers.set(RETURN_PATH_HEADER, `${pathname}${search}`);
  return NextResponse.next({ request: { headers } });
}

// Pages; and API paths only when they hold a `%` (the check costs other API calls nothing).
export const config = { matcher: ["/((?!api/|_next/|favicon.ico).*)", "/api/:path(.*%.*)"] };
