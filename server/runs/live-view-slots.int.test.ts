import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "@/server/context";
import { createTestContext } from "@/test/context";
import { LiveViewSlots } from "./live-view-slots";

let ctx: AppContext;

beforeAll(async () => {
  ctx = createTestContext();
  // Slots count in memory until the connection is ready (as a web process's is long before
  // any view): a busy machine may take a while to connect.
  if (ctx.redis.status !== "ready")
    await new Promise((resolve) => ctx.redis.once("ready", resolve));
});

afterAll(async () => {
  await ctx.close();
});

const userId = 4242;

/** A connection of its own, once it is ready (as a web process's is long before any view). */
async function connection() {
  const redis = ctx.redis.duplicate();
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  return redis;
}

describe("live view slots in Redis", () => {
  it("free the slots of a process that died when their lease ends, not before", async () => {
    // Two processes with a 1.5 s lease; the first one's connection to Redis dies.
    const dying = await connection();
    const first = new LiveViewSlots(dying, ctx.keys.liveViews, 2, 1500);
    const second = new LiveViewSlots(ctx.redis, ctx.keys.liveViews, 2, 1500);
    const held = [await first.acquire(userId), await first.acquire(userId)];
    expect(held.map((slot) => typeof slot?.member)).toEqual(["string", "string"]); // in Redis
    dying.disconnect();
    expect(await second.acquire(userId)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const slot = await second.acquire(userId);
    expect(slot?.member).toEqual(expect.any(String));
    second.release(slot!);
    await first.close();
    await second.close();
  });

  it("keep the slots of a living process past their first lease (renewed)", async () => {
    // Renewed every 500 ms: a busy machine may delay a renewal by up to a second.
    const first = new LiveViewSlots(ctx.redis, ctx.keys.liveViews, 1, 1500);
    const second = new LiveViewSlots(ctx.redis, ctx.keys.liveViews, 1, 1500);
    const slot = await first.acquire(userId + 1);
    expect(slot?.member).toEqual(expect.any(String));
    await new Promise((resolve) => setTimeout(resolve, 4000)); // over two and a half leases
    expect(await second.acquire(userId + 1)).toBeNull();
    first.release(slot!);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the ZREM is not awaited
    expect(await second.acquire(userId + 1)).not.toBeNull();
    await first.close();
    await second.close();
    expect(await first.heldEverywhere(userId + 1)).toBe(0); // close() removed its members
  });

  it("count in the process's memory while Redis does not answer, against the same limit", async () => {
    const away = ctx.redis.duplicate();
    away.disconnect();
    const slots = new LiveViewSlots(away, ctx.keys.liveViews, 2, 600);
    const a = await slots.acquire(userId + 2);
    const b = await slots.acquire(userId + 2);
    expect([a?.member, b?.member]).toEqual([null, null]);
    expect(await slots.acquire(userId + 2)).toBeNull();
    slots.release(a!);
    expect(slots.held(userId + 2)).toBe(1);
    expect(await slots.acquire(userId + 2)).not.toBeNull();
    await slots.close();
  });
});
