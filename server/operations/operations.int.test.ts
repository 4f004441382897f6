import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as intakeRoute } from "@/app/api/v1/operations/intake/route";
import { GET as operationsRoute } from "@/app/api/v1/operations/route";
import type { OperationsView } from "@/lib/contract/operations";
import type { AppContext } from "@/server/context";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit, waitForStatus } from "@/test/runs";
import { startWorker } from "@/worker/start-worker";
import { applyIntake } from "./intake";

let ctx: AppContext;
let admin: TestUser;
let operator: TestUser;
let runsDir: string;
let pipelines: LoadedPipeline[];

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-ops-"));
  ctx = createTestContext({ runsDir });
  [admin, operator] = await Promise.all([
    createTestUser(ctx, "admin"),
    createTestUser(ctx, "operator"),
  ]);
  pipelines = await registerPipelines(ctx);
});

afterAll(async () => {
  await ctx.queue.resume().catch(() => undefined);
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(runsDir, { recursive: true, force: true });
});

const as = (user: TestUser) => ({ Authorization: basicAuth(user.username, user.token) });

async function setPaused(user: TestUser, paused: boolean) {
  return callRoute(intakeRoute, {
    method: "POST",
    path: "/api/v1/operations/intake",
    headers: { ...as(user), "Content-Type": "application/json" },
    body: JSON.stringify({ paused }),
  });
}

describe("the operations view", () => {
  it("shows an admin the live workers, what they run, and finished runs per hour", async () => {
    const worker = startWorker(ctx, pipelines);
    try {
      const done = await submit(ctx, admin.principal, "hello", { name: "ops" });
      await waitForStatus(ctx, done, ["succeeded"]);
      const slow = await submit(ctx, admin.principal, "hello", { name: "slow", sleepSeconds: 30 });
      await waitForStatus(ctx, slow, ["running"]);
      // The worker's next heartbeat (every 5 s) names the run: ask until it does.
      const view = await vi.waitFor(
        async () => {
          const response = await callRoute(operationsRoute, {
            path: "/api/v1/operations",
            headers: as(admin),
          });
          expect(response.status).toBe(200);
          const answer = (await response.json()) as OperationsView;
          const me = answer.workers.find((w) => w.id === worker.workerId);
          expect(me).toMatchObject({ pid: process.pid, running: [slow] });
          return answer;
        },
        { timeout: 10_000, interval: 200 },
      );
      expect(view.runs.running).toBeGreaterThanOrEqual(1);
      expect(view.perHour).toHaveLength(24);
      expect(view.perHour.at(-1)!.succeeded).toBeGreaterThanOrEqual(1);
      expect(view.queue).toMatchObject({ active: 1 });
      expect(view.intake.paused).toBe(false);
      await callRoute((await import("@/app/api/v1/runs/[id]/cancel/route")).POST, {
        method: "POST",
        path: `/api/v1/runs/${slow}/cancel`,
        headers: as(admin),
        params: { id: slow },
      });
      await waitForStatus(ctx, slow, ["cancelled"]);
    } finally {
      await worker.stop();
    }
  });

  it("is for administrators only", async () => {
    const view = await callRoute(operationsRoute, {
      path: "/api/v1/operations",
      headers: as(operator),
    });
    expect(view.status).toBe(403);
    expect((await setPaused(operator, true)).status).toBe(403);
    expect(await ctx.queue.isPaused()).toBe(false);
  });
});

describe("pausing intake", () => {
  it("keeps accepting runs but starts none until resumed, and is re-applied when Redis loses it", async () => {
    const paused = await setPaused(admin, true);
    expect(paused.status).toBe(200);
    expect(await paused.json()).toMatchObject({ paused: true, by: admin.username });
    const worker = startWorker(ctx, pipelines);
    try {
      const id = await submit(ctx, admin.principal, "hello", { name: "waits" });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await getRunRow(ctx, id)).status).toBe("queued");
      // The pause marker lives in Redis and may be lost (a flush, a restart); MySQL is
      // the record the beat re-applies at its next tick.
      await ctx.queue.resume();
      expect((await applyIntake(ctx)).paused).toBe(true);
      expect(await ctx.queue.isPaused()).toBe(true);

      expect((await setPaused(admin, false)).status).toBe(200);
      await waitForStatus(ctx, id, ["succeeded"]);
    } finally {
      await worker.stop();
    }
  });
});
