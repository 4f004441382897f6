import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createTestContext } from "@/test/context";
import { createRedis } from "./redis";

/** Subscribers of a channel, asked from another connection. */
async function subscribers(redisUrl: string, channel: string): Promise<number> {
  const redis = createRedis(redisUrl, "command", "runport-test-probe");
  try {
    const [, count] = (await redis.pubsub("NUMSUB", channel)) as [string, number];
    return Number(count);
  } finally {
    await redis.quit();
  }
}

async function waitFor(what: () => boolean | Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (await what()) return true;
    await sleep(100);
  }
  return false;
}

describe("createAppContext", () => {
  it("gives each context its own caches and throttle", async () => {
    const a = createTestContext();
    const b = createTestContext();
    try {
      a.caches.pipelineVersions.set("hello", []);
      for (let i = 0; i < 5; i++) a.signInThrottle.fail("alice");
      expect(b.caches.pipelineVersions.get("hello")).toBeUndefined();
      expect(a.signInThrottle.allow("alice")).toBe(false);
      expect(b.signInThrottle.allow("alice")).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("closes the live-view subscriber it opened", async () => {
    const ctx = createTestContext();
    const channel = ctx.keys.runChannel("01closetest");
    const heard: string[] = [];
    ctx.runNotifications.subscribe("01closetest", () => heard.push("news"));
    expect(await waitFor(async () => (await subscribers(ctx.config.redisUrl, channel)) === 1)).toBe(
      true,
    );
    await ctx.redis.publish(channel, "news");
    expect(await waitFor(() => heard.length === 1)).toBe(true);
    await ctx.close();
    expect(await waitFor(async () => (await subscribers(ctx.config.redisUrl, channel)) === 0)).toBe(
      true,
    );
  });
});
