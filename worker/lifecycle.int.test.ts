import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { asc, eq, inArray } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as retryRoute } from "@/app/api/v1/runs/[id]/retry/route";
import { runAttempts, runEvents, runs } from "@/db/schema";
import { reconcileQueue } from "@/server/beat/reconcile-queue";
import type { AppContext } from "@/server/context";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { cancelRun } from "@/server/runs/cancel-run";
import { releaseRun } from "@/server/runs/release-run";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import {
  getRunRow,
  processAlive,
  submit,
  waitForExit,
  waitForLog,
  waitForStatus,
} from "@/test/runs";
import { freePort } from "@/test/stack";
import { startWorker } from "./start-worker";

let ctx: AppContext;
let alice: TestUser;
let bob: TestUser;
let viewer: TestUser;
let runsDir: string;
let pipelines: LoadedPipeline[];

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-lifecycle-"));
  ctx = createTestContext({ runsDir, cancelGraceSeconds: 1, workerConcurrency: 4 });
  [alice, bob, viewer] = await Promise.all([
    createTestUser(ctx),
    createTestUser(ctx),
    createTestUser(ctx, "viewer"),
  ]);
  pipelines = await registerPipelines(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(runsDir, { recursive: true, force: true });
});

async function transitions(publicId: string): Promise<string[]> {
  const run = await getRunRow(ctx, publicId);
  const events = await ctx.db
    .select()
    .from(runEvents)
    .where(eq(runEvents.runId, run.id))
    .orderBy(asc(runEvents.id));
  return events.map((e) => `${e.fromStatus ?? "∅"}→${e.toStatus}`);
}

describe("cancel in every state", () => {
  it("cancels queued and held runs at once, a running one within the grace period, and refuses finished ones", async () => {
    const queued = await submit(ctx, alice.principal, "hello", { name: "queued" });
    const held = await submit(ctx, alice.principal, "hello", { name: "held" }, { hold: true });
    for (const id of [queued, held]) {
      expect(await cancelRun(ctx, { principal: alice.principal, runId: id })).toEqual({
        status: "cancelled",
      });
    }
    expect(await transitions(queued)).toEqual(["∅→queued", "queued→cancelled"]);
    expect(await transitions(held)).toEqual(["∅→held", "held→cancelled"]);
    // A held run that was cancelled cannot be released any more.
    await expect(releaseRun(ctx, { principal: alice.principal, runId: held })).rejects.toThrow(
      /Only a held run/,
    );

    const worker = startWorker(ctx, pipelines);
    try {
      const running = await submit(ctx, alice.principal, "stubborn", {});
      await waitForStatus(ctx, running, ["running"]);
      const match = await waitForLog(ctx, alice.principal, running, /pid (\d+) grandchild (\d+)/);
      const pids = [Number(match[1]), Number(match[2])];
      expect(await cancelRun(ctx, { principal: alice.principal, runId: running })).toEqual({
        status: "cancelling",
      });
      // Asking again while it is being cancelled answers the same, changes nothing.
      expect(await cancelRun(ctx, { principal: alice.principal, runId: running })).toEqual({
        status: "cancelling",
      });
      await waitForStatus(ctx, running, ["cancelled"]);
      // SIGTERM is ignored by both; SIGKILL after the 1 s grace ends the whole group.
      expect(await waitForExit(pids, 3000)).toBe(true);
      expect(pids.some(processAlive)).toBe(false);
      expect(await transitions(running)).toEqual([
        "∅→queued",
        "queued→running",
        "running→cancelling",
        "cancelling→cancelled",
      ]);
      expect((await getRunRow(ctx, running)).logBytes).toBeGreaterThan(0); // the log is kept

      for (const id of [queued, running]) {
        await expect(cancelRun(ctx, { principal: alice.principal, runId: id })).rejects.toThrow(
          /finished/,
        );
      }
    } finally {
      await worker.stop();
    }
  });

  it("does not let another submitter or a viewer cancel", async () => {
    const id = await submit(ctx, alice.principal, "hello", { name: "mine" }, { hold: true });
    for (const user of [bob, viewer]) {
      await expect(cancelRun(ctx, { principal: user.principal, runId: id })).rejects.toThrow(
        /may not change/,
      );
    }
    expect((await getRunRow(ctx, id)).status).toBe("held");
  });
});

describe("POST /api/v1/runs/{id}/retry", () => {
  it("creates a new run linked to a finished one, and refuses one that has not finished", async () => {
    const unfinished = await submit(ctx, alice.principal, "hello", { name: "x" }, { hold: true });
    const early = await callRoute(retryRoute, {
      method: "POST",
      path: `/api/v1/runs/${unfinished}/retry`,
      headers: { Authorization: basicAuth(alice.username, alice.token) },
      params: { id: unfinished },
    });
    expect(early.status).toBe(409);

    await cancelRun(ctx, { principal: alice.principal, runId: unfinished });
    const response = await callRoute(retryRoute, {
      method: "POST",
      path: `/api/v1/runs/${unfinished}/retry`,
      headers: { Authorization: basicAuth(alice.username, alice.token) },
      params: { id: unfinished },
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: string; status: string; name: string };
    expect(created.status).toBe("queued");
    const [oldRow, newRow] = [await getRunRow(ctx, unfinished), await getRunRow(ctx, created.id)];
    expect(newRow).toMatchObject({
      retryOfRunId: oldRow.id,
      trigger: "retry",
      config: oldRow.config,
      pipelineId: oldRow.pipelineId,
    });
    expect(response.headers.get("location")).toBe(`/api/v1/runs/${created.id}`);

    const denied = await callRoute(retryRoute, {
      method: "POST",
      path: `/api/v1/runs/${unfinished}/retry`,
      headers: { Authorization: basicAuth(viewer.username, viewer.token) },
      params: { id: unfinished },
    });
    expect(denied.status).toBe(403);
    await cancelRun(ctx, { principal: alice.principal, runId: created.id });
  });
});

/** A Redis server of this test's own, so that FLUSHALL wipes nobody else's keys. */
async function startPrivateRedis(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  probe.on("error", () => undefined); // refused until the server listens
  for (let i = 0; ; i++) {
    try {
      await probe.connect();
      break;
    } catch {
      if (i > 100) throw new Error("redis-server did not start");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  probe.disconnect();
  return { url, stop: () => server.kill("SIGKILL") };
}

describe("Redis flushed (FLUSHALL) with 100 queued runs", () => {
  it("re-enqueues them from MySQL and runs each exactly once", async () => {
    const redis = await startPrivateRedis();
    // No running quota: this is about a flushed Redis, and 100 runs of one submitter under
    // USER_MAX_RUNNING claim one at a time through its lock (slower on a loaded machine).
    const own = createTestContext({
      runsDir,
      redisUrl: redis.url,
      workerConcurrency: 8,
      userMaxRunning: 0,
    });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 100; i++) {
        ids.push(await submit(own, alice.principal, "hello", { name: `flush ${i}`, steps: 1 }));
      }
      expect(await own.queue.count()).toBe(100);
      await own.redis.flushall(); // the queue, heartbeats, locks: everything gone
      expect(await own.queue.count()).toBe(0);
      // The beat's reconcile (as it runs a few seconds later) puts back what MySQL holds.
      const later = new Date(Date.now() + 10_000);
      expect(await reconcileQueue(own, later)).toBe(100);
      expect(await reconcileQueue(own, later)).toBe(0); // another tick adds nothing
      const worker = startWorker(own, pipelines);
      try {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const rows = await own.db
            .select({ status: runs.status })
            .from(runs)
            .where(inArray(runs.publicId, ids));
          if (rows.every((r) => r.status === "succeeded")) break;
          if (Date.now() > deadline) throw new Error("the runs did not all succeed in time");
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      } finally {
        await worker.stop();
      }
      const rows = await own.db
        .select({ id: runs.id, attempt: runs.attempt })
        .from(runs)
        .where(inArray(runs.publicId, ids));
      expect(rows.every((r) => r.attempt === 1)).toBe(true);
      const attempts = await own.db
        .select({ runId: runAttempts.runId })
        .from(runAttempts)
        .where(
          inArray(
            runAttempts.runId,
            rows.map((r) => r.id),
          ),
        );
      expect(attempts).toHaveLength(100); // one attempt each: none ran twice
    } finally {
      await own.queue.obliterate({ force: true }).catch(() => undefined);
      await own.close();
      redis.stop();
    }
  });
});
