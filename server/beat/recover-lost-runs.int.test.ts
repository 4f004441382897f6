import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAttempts, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { writeWorkerHeartbeat } from "@/server/health/heartbeats";
import { jobIdFor } from "@/server/queue/run-queue";
import { claimRun } from "@/server/runs/claim-run";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { ORPHAN_MS, recoverLostRuns } from "./recover-lost-runs";

let ctx: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = createTestContext();
  await registerPipelines(ctx);
  alice = await createTestUser(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

/** A run a worker claimed two minutes ago (no process: the worker is gone). */
async function runningOn(workerId: string, config: object = { name: "x" }): Promise<string> {
  const id = await submit(ctx, alice.principal, "hello", config);
  const claimed = await claimRun(ctx, {
    publicId: id,
    worker: { workerId, host: "host-1" },
    workDirPrefix: "/tmp/lost/attempt-",
  });
  expect(claimed).not.toBeNull();
  const twoMinutesAgo = new Date(Date.now() - 120_000);
  await ctx.db
    .update(runAttempts)
    .set({ startedAt: twoMinutesAgo })
    .where(eq(runAttempts.runId, claimed!.run.id));
  return id;
}

describe("recovering the runs of lost workers", () => {
  it("retries a lost run as a new attempt, but only after it has looked orphaned for a while", async () => {
    const id = await runningOn("ghost-1");
    const suspects = new Map<string, number>();
    const now = Date.now();
    expect(await recoverLostRuns(ctx, { suspects, now: new Date(now) })).not.toContain(id);
    expect((await getRunRow(ctx, id)).status).toBe("running");
    expect(
      await recoverLostRuns(ctx, { suspects, now: new Date(now + ORPHAN_MS + 1000) }),
    ).toContain(id);
    const run = await getRunRow(ctx, id);
    expect(run).toMatchObject({ status: "queued", attempt: 1 }); // hello allows 2 attempts
    expect(await ctx.queue.getJobState(jobIdFor(id, 2))).toBe("delayed"); // after a backoff
    const [attempt] = await ctx.db.select().from(runAttempts).where(eq(runAttempts.runId, run.id));
    expect(attempt).toMatchObject({
      outcome: "error",
      error: "worker ghost-1 on host-1 stopped sending heartbeats",
    });
  });

  it("ends a lost run as error when no attempt is left, and a lost cancel as cancelled", async () => {
    const last = await runningOn("ghost-2");
    await ctx.db.update(runs).set({ maxAttempts: 1 }).where(eq(runs.publicId, last));
    const cancelling = await runningOn("ghost-2");
    await ctx.db.update(runs).set({ status: "cancelling" }).where(eq(runs.publicId, cancelling));
    const suspects = new Map<string, number>();
    await recoverLostRuns(ctx, { suspects });
    await recoverLostRuns(ctx, { suspects, now: new Date(Date.now() + ORPHAN_MS + 1000) });
    expect((await getRunRow(ctx, last)).status).toBe("error");
    expect((await getRunRow(ctx, cancelling)).status).toBe("cancelled");
  });

  it("leaves alone a run that a live worker's heartbeat lists", async () => {
    const id = await runningOn("alive-1");
    const beat = {
      id: "alive-1",
      host: "host-1",
      pid: 1,
      concurrency: 1,
      running: [id],
      startedAt: "",
      at: "",
    };
    await writeWorkerHeartbeat(ctx, beat);
    const suspects = new Map<string, number>();
    await recoverLostRuns(ctx, { suspects });
    await recoverLostRuns(ctx, { suspects, now: new Date(Date.now() + ORPHAN_MS + 1000) });
    expect((await getRunRow(ctx, id)).status).toBe("running");
    await ctx.db.update(runs).set({ status: "cancelled" }).where(eq(runs.publicId, id));
  });
});
