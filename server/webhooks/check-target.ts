import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * SSRF guard for webhook targets: every address a host resolves to must be public, unless
 * the host is on WEBHOOK_ALLOWED_HOSTS. The sender then connects to the address checked
 * here (never a second resolution that could answer differently).
 */
// Two lists: a BlockList also checks IPv4 addresses against its IPv6 rules (as ::ffff:a.b.c.d).
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked4.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 96], // unspecified, loopback and IPv4-compatible (::7f00:1) addresses
  ["64:ff9b::", 96],
  ["100::", 64], // discard
  ["2001::", 32], // Teredo: an IPv4 address inside
  ["2002::", 16], // 6to4: an IPv4 address inside
  ["fec0::", 10], // site-local (deprecated, still routed by some)
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked6.addSubnet(net, bits, "ipv6");
}

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, `::ffff:102:304`) as IPv4; else null. */
function mappedIpv4(address: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/** True for loopback, private, link-local, shared, multicast and reserved addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked4.check(address, "ipv4");
  if (family !== 6) return true;
  const mapped = mappedIpv4(address);
  if (mapped) return blocked4.check(mapped, "ipv4");
  return blocked6.check(address, "ipv6");
}

/** `host` and `host:port` as WEBHOOK_ALLOWED_HOSTS names them. */
export function isAllowedHost(url: URL, allowedHosts: readonly string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return allowedHosts.some((h) => h === host || h === `${host}:${port}` || h === url.host);
}

export class TargetRefused extends Error {}

/** The address to connect to for `url`; throws TargetRefused when it is not allowed. */
export async function resolveTarget(
  url: URL,
  allowedHosts: readonly string[],
): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) as 4 | 6 }]
    : (await lookup(host, { all: true, verbatim: true })).map((a) => ({
        address: a.address,
        family: a.family as 4 | 6,
      }));
  if (addresses.length === 0) throw new TargetRefused(`${host} has no address`);
  if (!isAllowedHost(url, allowedHosts)) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) {
      throw new TargetRefused(
        `${host} resolves to ${bad.address}, a private or loopback address (not on WEBHOOK_ALLOWED_HOSTS)`,
      );
    }
  }
  return addresses[0]!;
}
