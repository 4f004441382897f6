import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAttempts, runEvents } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit, waitForStatus } from "@/test/runs";
import { startWorker } from "./start-worker";

let ctx: AppContext;
let alice: TestUser;
let runsDir: string;

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-drain-"));
  ctx = createTestContext({ runsDir, cancelGraceSeconds: 1, workerDrainSeconds: 1 });
  alice = await createTestUser(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(runsDir, { recursive: true, force: true });
});

describe("a stopping worker", () => {
  it("lets short runs finish and hands long ones back as queued for a new attempt", async () => {
    const pipelines = await registerPipelines(ctx);
    const worker = startWorker(ctx, pipelines);
    const short = await submit(ctx, alice.principal, "hello", {
      name: "short",
      sleepSeconds: 0.5,
      steps: 1,
    });
    const long = await submit(ctx, alice.principal, "hello", {
      name: "long",
      sleepSeconds: 60,
      steps: 2,
    });
    await waitForStatus(ctx, short, ["running"]);
    await waitForStatus(ctx, long, ["running"]);
    await worker.stop(); // drain 1 s: the short run ends, the long one is handed back

    expect((await getRunRow(ctx, short)).status).toBe("succeeded");
    const handedBack = await getRunRow(ctx, long);
    expect(handedBack).toMatchObject({ status: "queued", attempt: 1 });
    const events = await ctx.db
      .select()
      .from(runEvents)
      .where(eq(runEvents.runId, handedBack.id))
      .orderBy(asc(runEvents.id));
    expect(events.map((e) => e.toStatus)).toEqual(["queued", "running", "queued"]);
    const [attempt] = await ctx.db
      .select()
      .from(runAttempts)
      .where(eq(runAttempts.runId, handedBack.id));
    expect(attempt?.outcome).toBe("queued");

    // Another worker takes it as attempt 2 once it is in the queue again (beat's job).
    await ctx.queue.remove(long).catch(() => undefined);
    await ctx.queue.add("execute-run", { runId: long }, { jobId: long });
    const next = startWorker(ctx, pipelines);
    const running = await waitForStatus(ctx, long, ["running"]);
    expect(running.attempt).toBe(2);
    await next.stop();
  });
});
