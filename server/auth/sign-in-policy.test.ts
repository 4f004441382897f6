import { describe, expect, it } from "vitest";
import {
  addressBlocked,
  addressKey,
  nameSpacingSeconds,
  pairBlockSeconds,
  retryAfterSeconds,
} from "./sign-in-policy";

describe("the password guessing rules", () => {
  it("let a (name, address) pair fail 5 times, then wait a minute, doubling up to an hour", () => {
    expect([4, 5, 6, 7, 10, 11, 40].map(pairBlockSeconds)).toEqual([
      0, 60, 120, 240, 1920, 3600, 3600,
    ]);
  });

  it("space out a name's attempts after 10 failures from anywhere: 1 s doubling to a minute, never a block", () => {
    expect([9, 10, 11, 15, 16, 1000].map(nameSpacingSeconds)).toEqual([0, 1, 2, 32, 60, 60]);
  });

  it("block an address after 50 failures, whatever the names", () => {
    expect(addressBlocked(49)).toBe(false);
    expect(addressBlocked(50)).toBe(true);
  });

  it("say waits in whole seconds, at least one", () => {
    expect([0, 1, 999, 1001, 59_000].map(retryAfterSeconds)).toEqual([1, 1, 1, 2, 59]);
  });

  it("count an IPv6 client by its /64, an IPv4 one by its address", () => {
    expect(addressKey("192.0.2.7")).toBe("192.0.2.7");
    expect(addressKey("2001:db8:0:12:aaaa::1")).toBe("2001:db8:0:12::/64");
    expect(addressKey("2001:DB8:0000:0012:ffff:1:2:3")).toBe("2001:db8:0:12::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("unknown")).toBe("unknown");
  });
});
