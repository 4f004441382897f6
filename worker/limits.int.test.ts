import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAttempts, runs, users } from "@/db/schema";
import type { AppContext } from "@/server/context";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { submit } from "@/test/runs";
import { startWorker } from "./start-worker";

let ctx: AppContext;
let alice: TestUser;
let bob: TestUser;
let runsDir: string;
let pipelines: LoadedPipeline[];

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-limits-"));
  ctx = createTestContext({ runsDir, workerConcurrency: 4 });
  [alice, bob] = await Promise.all([createTestUser(ctx), createTestUser(ctx)]);
  pipelines = await registerPipelines(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(runsDir, { recursive: true, force: true });
});

async function waitAllDone(ids: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await ctx.db
      .select({ status: runs.status })
      .from(runs)
      .where(inArray(runs.publicId, ids));
    if (rows.every((r) => r.status === "succeeded")) return;
    if (Date.now() > deadline) throw new Error(`not done: ${rows.map((r) => r.status).join()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The most attempts of these runs that were running at the same moment. */
async function peakOverlap(ids: string[]): Promise<number> {
  const rows = await ctx.db
    .select({ startedAt: runAttempts.startedAt, finishedAt: runAttempts.finishedAt })
    .from(runAttempts)
    .innerJoin(runs, eq(runs.id, runAttempts.runId))
    .where(inArray(runs.publicId, ids));
  const edges = rows.flatMap((r) => [
    { at: r.startedAt.getTime(), d: 1 },
    { at: r.finishedAt!.getTime(), d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (now += e.d));
  return peak;
}

describe("limits across workers", () => {
  it("runs at most maxConcurrency runs of a pipeline at once, even with two workers", async () => {
    const workers = [startWorker(ctx, pipelines), startWorker(ctx, pipelines)];
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(await submit(ctx, alice.principal, "one-at-a-time", {}));
      await waitAllDone(ids);
      expect(await peakOverlap(ids)).toBe(1);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });

  it("runs at most a user's limit of their runs at once; other users are not held back", async () => {
    await ctx.db
      .update(users)
      .set({ maxRunningRuns: 1 })
      .where(eq(users.id, alice.principal.userId));
    ctx.caches.userLimits.clear(); // workers see a changed limit within 10 s; this test at once
    const worker = startWorker(ctx, pipelines);
    try {
      const config = { name: "limited", sleepSeconds: 0.8, steps: 1 };
      const mine = [
        await submit(ctx, alice.principal, "hello", config),
        await submit(ctx, alice.principal, "hello", config),
      ];
      const theirs = [
        await submit(ctx, bob.principal, "hello", config),
        await submit(ctx, bob.principal, "hello", config),
      ];
      await waitAllDone([...mine, ...theirs]);
      expect(await peakOverlap(mine)).toBe(1);
      expect(await peakOverlap(theirs)).toBe(2);
    } finally {
      await worker.stop();
      await ctx.db
        .update(users)
        .set({ maxRunningRuns: null })
        .where(eq(users.id, alice.principal.userId));
    }
  });

  it("holds a submitter to USER_MAX_RUNNING by default; operators have no default quota", async () => {
    const own = createTestContext({ runsDir, workerConcurrency: 4, userMaxRunning: 2 });
    const [carol, olga] = await Promise.all([createTestUser(own), createTestUser(own, "operator")]);
    const worker = startWorker(own, pipelines);
    try {
      const config = { name: "quota", sleepSeconds: 1.5, steps: 1 };
      const operators: string[] = [];
      for (let i = 0; i < 4; i++)
        operators.push(await submit(own, olga.principal, "hello", config));
      const submitters: string[] = [];
      for (let i = 0; i < 4; i++)
        submitters.push(await submit(own, carol.principal, "hello", config));
      await waitAllDone([...operators, ...submitters]);
      expect(await peakOverlap(submitters)).toBe(2);
      expect(await peakOverlap(operators)).toBeGreaterThan(2);
    } finally {
      await worker.stop();
      await own.close();
    }
  });
});
