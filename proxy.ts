// Next.js proxy (formerly middleware): tells server components the requested path, so
// that a page reached without a session sends the visitor back to exactly it (query
// included) after signing in. It decides nothing about access: pages and the API do.
import { NextResponse, type NextRequest } from "next/server";

export const RETURN_PATH_HEADER = "x-runport-path";

export function proxy(request: NextRequest): NextResponse {
  const headers = new Headers(request.headers);
  headers.set(RETURN_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/((?!api/|_next/|favicon.ico).*)"] };
