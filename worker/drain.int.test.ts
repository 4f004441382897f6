import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAttempts, runEvents } from "@/db/schema";
import type { AppContext } from "@/server/context";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { jobIdFor } from "@/server/queue/run-queue";
import { cancelRun } from "@/server/runs/cancel-run";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit, waitForLog, waitForStatus } from "@/test/runs";
import { startWorker } from "./start-worker";

let ctx: AppContext;
let alice: TestUser;
let runsDir: string;
let pipelines: LoadedPipeline[];

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-drain-"));
  ctx = createTestContext({ runsDir, cancelGraceSeconds: 1, workerDrainSeconds: 3 });
  alice = await createTestUser(ctx);
  pipelines = await registerPipelines(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(runsDir, { recursive: true, force: true });
});

async function statuses(runId: number) {
  const events = await ctx.db
    .select()
    .from(runEvents)
    .where(eq(runEvents.runId, runId))
    .orderBy(asc(runEvents.id));
  return events.map((e) => e.toStatus);
}

describe("a stopping worker", () => {
  it("lets short runs finish and hands long ones back as queued for a new attempt", async () => {
    const worker = startWorker(ctx, pipelines);
    const short = await submit(ctx, alice.principal, "hello", {
      name: "short",
      sleepSeconds: 0.2,
      steps: 1,
    });
    const long = await submit(ctx, alice.principal, "hello", {
      name: "long",
      sleepSeconds: 60,
      steps: 2,
    });
    await waitForStatus(ctx, short, ["running"]);
    await waitForStatus(ctx, long, ["running"]);
    await worker.stop(); // drain 3 s: the short run ends, the long one is handed back

    expect((await getRunRow(ctx, short)).status).toBe("succeeded");
    const handedBack = await getRunRow(ctx, long);
    expect(handedBack).toMatchObject({ status: "queued", attempt: 1 });
    expect(await statuses(handedBack.id)).toEqual(["queued", "running", "queued"]);
    const [attempt] = await ctx.db
      .select()
      .from(runAttempts)
      .where(eq(runAttempts.runId, handedBack.id));
    expect(attempt?.outcome).toBe("queued");

    // Its next attempt is queued at once, and another worker takes it as attempt 2.
    expect(await ctx.queue.getJobState(jobIdFor(long, 2))).toBe("prioritized");
    const next = startWorker(ctx, pipelines);
    const running = await waitForStatus(ctx, long, ["running"]);
    expect(running.attempt).toBe(2);
    await cancelRun(ctx, { principal: alice.principal, runId: long });
    await waitForStatus(ctx, long, ["cancelled"]);
    await next.stop();
  });

  it("never re-runs a run that was being cancelled when the worker stopped", async () => {
    // The cancel's grace period (4 s) outlasts the drain (1 s): the run is handed back
    // while it is still being cancelled, and the cancel must win.
    const slowKill = createTestContext({ runsDir, cancelGraceSeconds: 4, workerDrainSeconds: 1 });
    const worker = startWorker(slowKill, pipelines);
    const id = await submit(slowKill, alice.principal, "stubborn", {});
    await waitForLog(ctx, alice.principal, id, /pid \d+ grandchild \d+/);
    // stubborn ignores SIGTERM: the cancel is still in progress when the worker stops.
    expect(await cancelRun(slowKill, { principal: alice.principal, runId: id })).toEqual({
      status: "cancelling",
    });
    await worker.stop();
    await slowKill.close();
    const run = await getRunRow(ctx, id);
    expect(run.status).toBe("cancelled");
    expect(await statuses(run.id)).toEqual(["queued", "running", "cancelling", "cancelled"]);
    expect(await ctx.queue.getJobState(jobIdFor(id, 2))).toBe("unknown");
  });
});
