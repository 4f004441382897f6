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
  it("gives each context its own caches, and one password guessing count in Redis", async () => {
    const a = createTestContext();
    const b = createTestContext();
    try {
      a.caches.pipelineVersions.set("hello", []);
      expect(b.caches.pipelineVersions.get("hello")).toBeUndefined();
      // Two web processes: the failures counted by one refuse the attempt at the other.
      const attempt = { subject: "alice", address: "192.0.2.1" };
      // Each counts in its own memory until its limits connection is up.
      await Promise.all([a.signInThrottle.connected(), b.signInThrottle.connected()]);
      for (let i = 0; i < 5; i++) {
        const admission = await a.signInThrottle.admit(attempt);
        if (!admission.admitted) throw new Error(`attempt ${i + 1} refused`);
        await a.signInThrottle.failed(admission.ticket);
      }
      expect(await b.signInThrottle.admit(attempt)).toMatchObject({ admitted: false });
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
