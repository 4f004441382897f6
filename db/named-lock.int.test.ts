import { afterAll, describe, expect, it } from "vitest";
import { createTestContext } from "@/test/context";
import { LOCK_BUSY, withNamedLocks } from "./named-lock";

const ctx = createTestContext();
afterAll(() => ctx.close());

describe("withNamedLocks", () => {
  it("runs fn holding the locks, answers LOCK_BUSY while another connection holds one, and releases them", async () => {
    const names = [`${ctx.config.redisPrefix}:a`, `${ctx.config.redisPrefix}:b`];
    let ranInside = false;
    const outer = await withNamedLocks(ctx.db, names, 0, async () => {
      const inner = await withNamedLocks(ctx.db, [names[1]!], 0, () => {
        ranInside = true;
        return Promise.resolve("inner");
      });
      return { inner };
    });
    expect(outer).toEqual({ inner: LOCK_BUSY });
    expect(ranInside).toBe(false);
    // Released: the next taker gets them at once.
    expect(await withNamedLocks(ctx.db, names, 0, () => Promise.resolve("again"))).toBe("again");
  });

  it("releases the locks when fn throws", async () => {
    const name = `${ctx.config.redisPrefix}:c`;
    await expect(
      withNamedLocks(ctx.db, [name], 0, () => Promise.reject(new Error("boom"))),
    ).rejects.toThrow("boom");
    expect(await withNamedLocks(ctx.db, [name], 0, () => Promise.resolve(1))).toBe(1);
  });
});
