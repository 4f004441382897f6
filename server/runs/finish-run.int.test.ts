import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEvents, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { jobIdFor } from "@/server/queue/run-queue";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { claimRun } from "./claim-run";
import { finishRun, retryDelayMs } from "./finish-run";

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

const platformError = {
  status: "error" as const,
  exitCode: null,
  signal: null,
  error: "could not start: spawn EACCES",
};

async function claim(id: string) {
  const claimed = await claimRun(ctx, {
    publicId: id,
    worker: { workerId: "w", host: "h" },
    workDirPrefix: "/tmp/f/attempt-",
  });
  if (!claimed) throw new Error("not claimed");
  return claimed;
}

describe("finishing an attempt", () => {
  it("retries a platform error as a new attempt after a backoff, then ends in error", async () => {
    const id = await submit(ctx, alice.principal, "hello", { name: "x" }); // hello: retries 1 → 2 attempts
    const first = await claim(id);
    expect(await finishRun(ctx, { run: first.run, attempt: 1, outcome: platformError })).toBe(
      "queued",
    );
    expect(await ctx.queue.getJobState(jobIdFor(id, 2))).toBe("delayed");
    const second = await claim(id);
    expect(second.attempt).toBe(2);
    expect(await finishRun(ctx, { run: second.run, attempt: 2, outcome: platformError })).toBe(
      "error",
    );
    const run = await getRunRow(ctx, id);
    expect(run).toMatchObject({ status: "error", attempt: 2, error: platformError.error });
    const events = await ctx.db
      .select()
      .from(runEvents)
      .where(eq(runEvents.runId, run.id))
      .orderBy(asc(runEvents.id));
    expect(events.map((e) => e.toStatus)).toEqual([
      "queued",
      "running",
      "queued",
      "running",
      "error",
    ]);
    expect(events[2]?.message).toContain("attempt 2 of 2");
    expect(retryDelayMs(1)).toBe(5000);
    expect(retryDelayMs(20)).toBe(300_000);
  });

  it("never retries the pipeline's own failure", async () => {
    const id = await submit(ctx, alice.principal, "hello", { name: "x" });
    const first = await claim(id);
    const failed = { status: "failed" as const, exitCode: 3, signal: null, error: null };
    expect(await finishRun(ctx, { run: first.run, attempt: 1, outcome: failed })).toBe("failed");
    expect(await ctx.queue.getJobState(jobIdFor(id, 2))).toBe("unknown");
  });

  it("lets a cancel win over a hand-back, and a success win over a late cancel", async () => {
    const handedBack = await submit(ctx, alice.principal, "hello", { name: "x" });
    const a = await claim(handedBack);
    await ctx.db.update(runs).set({ status: "cancelling" }).where(eq(runs.id, a.run.id));
    const handBack = {
      status: "queued" as const,
      exitCode: null,
      signal: "SIGTERM",
      error: "worker stopping",
    };
    expect(await finishRun(ctx, { run: a.run, attempt: 1, outcome: handBack })).toBe("cancelled");

    const succeeded = await submit(ctx, alice.principal, "hello", { name: "x" });
    const b = await claim(succeeded);
    await ctx.db.update(runs).set({ status: "cancelling" }).where(eq(runs.id, b.run.id));
    const ok = { status: "succeeded" as const, exitCode: 0, signal: null, error: null };
    expect(await finishRun(ctx, { run: b.run, attempt: 1, outcome: ok })).toBe("succeeded");
  });
});
