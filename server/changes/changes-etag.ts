import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { json } from "../http/responses";
import { readChangesVersion } from "./publish-run-change";

/** Lists that answer with an ETag may be kept by the client and revalidated, never shared. */
const CACHE_CONTROL = "private, no-cache";

/** True when an If-None-Match header names `etag` (or is `*`). */
function matches(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header
    .split(",")
    .map((tag) => tag.trim())
    .some((tag) => tag === "*" || tag === etag || tag.replace(/^W\//, "") === etag.slice(2));
}

/**
 * Answers a read of a runs list with a weak ETag made of the changes counter (which every
 * run creation, transition and progress report increments), the caller and their role:
 * an If-None-Match that names it gets a 304 without reading MySQL. The counter is read
 * before the list, so a change made while the list is read gives the next request a new
 * tag. Without Redis (no counter within 250 ms) the list is read and sent without a tag.
 */
export async function withChangesEtag(
  ctx: Pick<AppContext, "redis" | "keys">,
  options: { request: Request; principal: Principal; read: () => Promise<unknown> },
): Promise<Response> {
  const version = await readChangesVersion(ctx);
  if (version === null) return json(await options.read());
  const { userId, role } = options.principal;
  const etag = `W/"c${version}-u${userId}-${role}"`;
  const headers = { ETag: etag, "Cache-Control": CACHE_CONTROL };
  if (matches(options.request.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers });
  }
  const response = json(await options.read());
  response.headers.set("ETag", etag);
  response.headers.set("Cache-Control", CACHE_CONTROL);
  return response;
}
