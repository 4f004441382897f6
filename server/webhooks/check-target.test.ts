import { describe, expect, it } from "vitest";
import { isAllowedHost, isPrivateAddress } from "./check-target";

describe("webhook targets (SSRF)", () => {
  it("refuses loopback, private, link-local, shared and reserved addresses, IPv4-mapped too", () => {
    for (const address of [
      "127.0.0.1",
      "127.8.9.10",
      "10.0.0.1",
      "172.16.5.4",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "::",
      "::1",
      "fc00::1",
      "fd12:3456::1",
      "fe80::1",
      "ff02::1",
      "::7f00:1",
      "2002:c0a8:101::1",
      "2001:0:4136:e378::1",
      "fec0::1",
      "::ffff:127.0.0.1",
      "::ffff:10.1.2.3",
      "::ffff:7f00:1",
      "::ffff:a9fe:a9fe",
      "64:ff9b::a00:1",
      "not an address",
    ]) {
      expect([address, isPrivateAddress(address)]).toEqual([address, true]);
    }
  });

  it("lets public addresses through", () => {
    for (const address of [
      "8.8.8.8",
      "172.32.0.1",
      "192.169.0.1",
      "2001:4860:4860::8888",
      "::ffff:8.8.8.8",
    ]) {
      expect([address, isPrivateAddress(address)]).toEqual([address, false]);
    }
  });

  it("matches WEBHOOK_ALLOWED_HOSTS by host, or host and port", () => {
    expect(isAllowedHost(new URL("http://hooks.lan:8080/x"), ["hooks.lan"])).toBe(true);
    expect(isAllowedHost(new URL("http://hooks.lan:8080/x"), ["hooks.lan:8080"])).toBe(true);
    expect(isAllowedHost(new URL("http://hooks.lan:8081/x"), ["hooks.lan:8080"])).toBe(false);
    expect(isAllowedHost(new URL("https://hooks.lan/x"), ["hooks.lan:443"])).toBe(true);
    expect(isAllowedHost(new URL("http://[::1]:9000/x"), ["::1"])).toBe(true);
    expect(isAllowedHost(new URL("http://evil.example/x"), ["hooks.lan"])).toBe(false);
  });
});
