import { describe, expect, it } from "vitest";
import { clientIp, requestIsHttps } from "./client-info";

const headers = (values: Record<string, string>) => new Headers(values);
const direct = { trustProxy: false };
const proxied = { trustProxy: true };

describe("clientIp", () => {
  it("without a trusted proxy, takes the one address next start writes (or a client sent)", () => {
    // What `next start` 16.4 sets from the socket when the request has no X-Forwarded-For.
    expect(clientIp(direct, headers({ "x-forwarded-for": "::ffff:192.0.2.7" }))).toBe("192.0.2.7");
    expect(clientIp(direct, headers({ "x-forwarded-for": "2001:DB8::1" }))).toBe("2001:db8::1");
    // A list is never Next.js's: somebody sent it, and its entries prove nothing.
    expect(clientIp(direct, headers({ "x-forwarded-for": "6.6.6.6, 192.0.2.7" }))).toBe("unknown");
    expect(clientIp(direct, headers({ "x-real-ip": "192.0.2.7" }))).toBe("unknown");
    expect(clientIp(direct, headers({ "x-forwarded-for": "not-an-address" }))).toBe("unknown");
    expect(clientIp(direct, headers({}))).toBe("unknown");
  });

  it("behind a trusted proxy, takes the last entry: the address the proxy saw", () => {
    expect(clientIp(proxied, headers({ "x-forwarded-for": "6.6.6.6, 192.0.2.7" }))).toBe(
      "192.0.2.7",
    );
    expect(
      clientIp(proxied, headers({ "x-forwarded-for": "junk", "x-real-ip": "192.0.2.8" })),
    ).toBe("192.0.2.8");
    expect(clientIp(proxied, headers({}))).toBe("unknown");
  });
});

describe("requestIsHttps", () => {
  it("believes X-Forwarded-Proto only from a trusted proxy", () => {
    const tls = headers({ "x-forwarded-proto": "https" });
    expect(requestIsHttps({ ...direct, publicUrl: undefined }, tls)).toBe(false);
    expect(requestIsHttps({ ...proxied, publicUrl: undefined }, tls)).toBe(true);
    expect(requestIsHttps({ ...direct, publicUrl: "https://runport.example" }, headers({}))).toBe(
      true,
    );
  });
});
