import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEvents, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { transitionRun } from "@/server/lifecycle/transition-run";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { startBeat } from "@/worker/start-beat";
import { RunEventFollower, type RunEventConsumer, type RunEventNotice } from "./follow-run-events";

let ctx: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = createTestContext({ beatIntervalSeconds: 60 });
  await registerPipelines(ctx);
  alice = await createTestUser(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

/** A consumer that keeps what it is handed (and fails while `failing` is set). */
function recorder(name: string) {
  const seen: RunEventNotice[] = [];
  const state = { failing: false };
  const consumer: RunEventConsumer = {
    name,
    handle(_ctx, events) {
      if (state.failing) return Promise.reject(new Error("the consumer is down"));
      seen.push(...events);
      return Promise.resolve();
    },
  };
  return { consumer, seen, state };
}

const release = (publicId: string) =>
  transitionRun(ctx, {
    run: { publicId },
    event: "release",
    to: "queued",
    by: "user",
    details: { user: alice.username },
  });

describe("following run events", () => {
  it("starts after the events already there, then hands each new one once, in order, with its run", async () => {
    const before = await submit(ctx, alice.principal, "hello", { name: "events" }, { hold: true });
    const { consumer, seen } = recorder("test-order");
    const follower = new RunEventFollower(consumer);
    expect(await follower.drain(ctx)).toBe(0); // the held run's event came before
    const id = await submit(
      ctx,
      alice.principal,
      "hello",
      { name: "events" },
      { hold: true, name: "ordered" },
    );
    await release(id);
    await release(before);
    expect(await follower.drain(ctx)).toBe(3);
    expect(await follower.drain(ctx)).toBe(0);
    expect(seen.map((e) => [e.publicId, e.fromStatus, e.toStatus])).toEqual([
      [id, null, "held"],
      [id, "held", "queued"],
      [before, "held", "queued"],
    ]);
    const run = await getRunRow(ctx, id);
    expect(seen[0]).toMatchObject({
      runId: run.id,
      userId: alice.principal.userId,
      pipelineName: "hello",
      runName: "ordered",
    });
    expect(seen[0]!.id).toBeLessThan(seen[1]!.id);
  });

  it("hands the same events again after the consumer failed, and after a restart within the settle window", async () => {
    const { consumer, seen, state } = recorder("test-failing");
    await new RunEventFollower(consumer).drain(ctx);
    const follower = new RunEventFollower(consumer);
    const id = await submit(ctx, alice.principal, "hello", { name: "events" }, { hold: true });
    state.failing = true;
    await expect(follower.drain(ctx)).rejects.toThrow("the consumer is down");
    state.failing = false;
    expect(await follower.drain(ctx)).toBe(1);
    // A new process (same cursor): the event is younger than the settle window, so again.
    expect(await new RunEventFollower(consumer).drain(ctx)).toBe(1);
    // With the event settled, the cursor passes it: a restart hands nothing old.
    const settled = new RunEventFollower(consumer, 0);
    expect(await settled.drain(ctx)).toBe(1);
    expect(await new RunEventFollower(consumer, 0).drain(ctx)).toBe(0);
    expect(seen.map((e) => e.publicId)).toEqual([id, id, id]);
  });

  it("finds an event that commits after one with a higher id was handed", async () => {
    const { consumer, seen } = recorder("test-gap");
    const follower = new RunEventFollower(consumer);
    await follower.drain(ctx);
    const slow = await submit(ctx, alice.principal, "hello", { name: "events" }, { hold: true });
    const fast = await submit(ctx, alice.principal, "hello", { name: "events" }, { hold: true });
    await follower.drain(ctx); // their "held" events
    const slowRun = await getRunRow(ctx, slow);
    let lateId = 0;
    await ctx.db.transaction(async (tx) => {
      // Takes an id now, commits after the next event (which takes a higher one) was handed.
      const [result] = await tx.insert(runEvents).values({
        runId: slowRun.id,
        attempt: 0,
        fromStatus: "held",
        toStatus: "held",
        message: "late",
      });
      lateId = Number(result.insertId);
      await release(fast);
      expect(await follower.drain(ctx)).toBe(1);
    });
    expect(await follower.drain(ctx)).toBe(1);
    expect(seen.slice(-2).map((e) => [e.id > lateId, e.message])).toEqual([
      [true, `released by ${alice.username}`],
      [false, "late"],
    ]);
  });

  it("is fed by the active beat when a run changes status", async () => {
    const { consumer, seen } = recorder("test-beat");
    const beat = startBeat(ctx, { runEventConsumers: [consumer] });
    await beat.tick();
    expect(beat.isLeader()).toBe(true);
    await beat.drainRunEvents(); // the cursor starts here
    const id = await submit(ctx, alice.principal, "hello", { name: "events" }, { hold: true });
    await release(id);
    // The changes channel wakes the loop; its 2 s poll would too.
    const deadline = Date.now() + 5000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await beat.stop();
    expect(seen.map((e) => e.toStatus)).toEqual(["held", "queued"]);
    const [row] = await ctx.db
      .select({ n: sql<number>`COUNT(*)` })
      .from(runs)
      .where(eq(runs.publicId, id));
    expect(Number(row?.n)).toBe(1);
  });
});
