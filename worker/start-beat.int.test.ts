import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { readBeatHeartbeat } from "@/server/health/heartbeats";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { jobIdFor } from "@/server/queue/run-queue";
import { startBeat } from "./start-beat";

let ctx: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = createTestContext({ beatIntervalSeconds: 60 });
  await registerPipelines(ctx);
  alice = await createTestUser(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

describe("beat", () => {
  it("lets exactly one of two beats lead, and the other take over when it stops", async () => {
    const first = startBeat(ctx);
    const second = startBeat(ctx);
    await Promise.all([first.tick(), second.tick()]);
    expect([first.isLeader(), second.isLeader()].filter(Boolean)).toHaveLength(1);
    const [leader, standby] = first.isLeader() ? [first, second] : [second, first];
    expect((await readBeatHeartbeat(ctx))?.instanceId).toBe(leader.instanceId);
    await leader.stop();
    await standby.tick();
    expect(standby.isLeader()).toBe(true);
    await standby.stop();
  });

  it("re-enqueues every run MySQL holds as queued after Redis lost the queue", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push(await submit(ctx, alice.principal, "hello", { name: `r${i}` }));
    await ctx.queue.obliterate({ force: true }); // as after FLUSHALL or a Redis restart without persistence
    for (const id of ids) expect(await ctx.queue.getJobState(jobIdFor(id, 1))).toBe("unknown");
    // Runs younger than the grace period may still be on their way: age them.
    const old = new Date(Date.now() - 60_000);
    await ctx.db.update(runs).set({ queuedAt: old }).where(inArray(runs.publicId, ids));
    const beat = startBeat(ctx);
    await beat.tick();
    await beat.stop();
    for (const id of ids) {
      expect(await ctx.queue.getJobState(jobIdFor(id, 1))).toBe("prioritized");
      expect((await getRunRow(ctx, id)).status).toBe("queued");
    }
    expect(await ctx.queue.getJobCountByTypes("prioritized")).toBe(ids.length);
  });
});
