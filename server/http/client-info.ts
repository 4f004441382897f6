import { isIP } from "node:net";
import type { Config } from "../env";

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is 10.0.0.1. */
function plainAddress(value: string): string | null {
  const address = value.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  return isIP(address) ? address.toLowerCase() : null;
}

/**
 * Where a request comes from, as far as this server can tell (checked against `next start`
 * 16.4: it sets X-Forwarded-For to the socket's address only when the request has none).
 *
 * - TRUST_PROXY: the reverse proxy appends the address it saw, so the LAST entry is the one
 *   it vouches for (X-Real-IP if that is all it sends). Anything before it is the client's.
 * - Otherwise the header is Next.js's socket address, or whatever the client sent in its
 *   place (indistinguishable when it is one address; Next.js never writes a list). One
 *   address is taken as it is: per-address limits are then only as good as the client is
 *   honest, and the per-name limit is what holds (docs/ARCHITECTURE.md). A list, or no
 *   address at all (in-process calls), is "unknown".
 */
export function clientIp(config: Pick<Config, "trustProxy">, headers: Headers): string {
  const forwarded = (headers.get("x-forwarded-for") ?? "").split(",");
  if (config.trustProxy) {
    const vouched =
      plainAddress(forwarded.at(-1) ?? "") ?? plainAddress(headers.get("x-real-ip") ?? "");
    return vouched ?? "unknown";
  }
  return (forwarded.length === 1 && plainAddress(forwarded[0] ?? "")) || "unknown";
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
