import { isIP } from "node:net";
import type { Config } from "../env";

/**
 * Where a request comes from, as far as this server can tell. Behind a reverse proxy
 * (TRUST_PROXY), the proxy's X-Forwarded-For / X-Forwarded-Proto say it; otherwise those
 * headers are anyone's to send and are ignored. Next.js route handlers do not expose the
 * socket's address, so without a trusted proxy the address is "unknown" (one shared key
 * for per-address limits: every client counts against it).
 */
export function clientIp(config: Pick<Config, "trustProxy">, headers: Headers): string {
  if (config.trustProxy) {
    // The proxy appends the address it saw: the last entry is the one it vouches for.
    const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((h) => h.trim());
    const last = hops.at(-1) ?? "";
    if (isIP(last)) return last;
    const real = headers.get("x-real-ip")?.trim() ?? "";
    if (isIP(real)) return real;
  }
  return "unknown";
}

/** True when the client reached us over TLS (PUBLIC_URL https, or the trusted proxy says so). */
export function requestIsHttps(
  config: Pick<Config, "trustProxy" | "publicUrl">,
  headers: Headers,
): boolean {
  if (config.publicUrl?.startsWith("https:")) return true;
  if (!config.trustProxy) return false;
  return headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}
