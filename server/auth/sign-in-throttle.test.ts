import { describe, expect, it } from "vitest";
import { SignInThrottle } from "./sign-in-throttle";

describe("SignInThrottle", () => {
  it("blocks a name after 5 failures for a minute, then doubles", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 4; i++) throttle.fail("alice", 0);
    expect(throttle.allow("alice", 0)).toBe(true);
    throttle.fail("Alice", 0);
    expect(throttle.allow("alice", 1000)).toBe(false);
    expect(throttle.allow("alice", 60_001)).toBe(true);
    throttle.fail("alice", 60_001);
    expect(throttle.allow("alice", 60_001 + 119_000)).toBe(false);
    throttle.succeed("alice");
    expect(throttle.allow("alice", 60_002)).toBe(true);
  });

  it("keeps a lockout when many other names fail", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 5; i++) throttle.fail("victim", 0);
    for (let i = 0; i < 10_000; i++) throttle.fail(`noise-${i}`, 1);
    expect(throttle.allow("victim", 2)).toBe(false);
  });
});
