import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as drainRoute } from "@/app/api/v1/operations/workers/[id]/drain/route";
import { drainWorker } from "@/server/operations/drain-workers";
import { POST as reloadRoute } from "@/app/api/v1/operations/workers/reload/route";
import { GET as operationsRoute } from "@/app/api/v1/operations/route";
import { auditEvents } from "@/db/schema";
import type { AuditAction } from "@/lib/contract/audit";
import type { OperationsView } from "@/lib/contract/operations";
import type { AppContext } from "@/server/context";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit, waitForStatus } from "@/test/runs";
import { startBeat } from "@/worker/start-beat";
import { startWorker, type WorkerHandle } from "@/worker/start-worker";

let ctx: AppContext;
let admin: TestUser;
let operator: TestUser;
let runsDir: string;
let pipelines: LoadedPipeline[];
const contexts: AppContext[] = [];

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-drain-req-"));
  ctx = createTestContext({ runsDir, workerDrainSeconds: 20 });
  [admin, operator] = await Promise.all([
    createTestUser(ctx, "admin"),
    createTestUser(ctx, "operator"),
  ]);
  pipelines = await registerPipelines(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await Promise.all(contexts.map((c) => c.close()));
  await ctx.close();
  rmSync(runsDir, { recursive: true, force: true });
});

const as = (user: TestUser) => ({ Authorization: basicAuth(user.username, user.token) });

/**
 * A context of its own (a worker's id comes from its config, as WORKER_ID in production).
 * One run at a time: a worker busy with a run could take a new one only after it.
 */
function workerContext(workerId: string) {
  const own = createTestContext({
    runsDir,
    workerDrainSeconds: 20,
    workerId,
    workerConcurrency: 1,
  });
  contexts.push(own);
  return own;
}

/**
 * A worker whose drain request does what worker/main.ts does: stop as on SIGTERM, then
 * "exit" (here: recorded, and `onExit` plays the supervisor).
 */
function supervisedWorker(
  workerId: string,
  log: string[],
  onExit: () => void = () => undefined,
): { handle: WorkerHandle; exited: Promise<void> } {
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const handle: WorkerHandle = startWorker(workerContext(workerId), pipelines, {
    onDrainRequest: () => {
      log.push(`drain ${workerId}`);
      void handle.stop().then(() => {
        log.push(`exit ${workerId}`);
        exit();
        onExit();
      });
    },
  });
  return { handle, exited };
}

async function waitForHeartbeat(workerId: string, timeout = 10_000) {
  await vi.waitFor(async () => expect(await ctx.redis.exists(ctx.keys.worker(workerId))).toBe(1), {
    timeout,
    interval: 50,
  });
}

async function audited(action: string) {
  return ctx.db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.action, action as AuditAction),
        eq(auditEvents.actorUsername, admin.username),
      ),
    );
}

describe("draining a worker from the operations page", () => {
  it("stops the worker as SIGTERM does: its run finishes, it takes nothing new, it exits", async () => {
    const log: string[] = [];
    const { exited } = supervisedWorker("drain-one", log);
    await waitForHeartbeat("drain-one");
    const running = await submit(ctx, admin.principal, "hello", { name: "d1", sleepSeconds: 1 });
    await waitForStatus(ctx, running, ["running"]);

    const drain = (user: TestUser, id: string) =>
      callRoute(drainRoute, {
        method: "POST",
        path: `/api/v1/operations/workers/${id}/drain`,
        params: { id },
        headers: as(user),
      });
    expect((await drain(operator, "drain-one")).status).toBe(403);
    expect((await drain(admin, "no-such-worker")).status).toBe(404);
    const started = Date.now();
    const response = await drain(admin, "drain-one");
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ workerId: "drain-one" });
    // Submitted after the request: the draining worker (busy until the first run ends, one
    // run at a time) must not take it.
    const later = await submit(ctx, admin.principal, "hello", { name: "d2" });
    await exited;
    const drainMs = Date.now() - started;

    expect((await getRunRow(ctx, running)).status).toBe("succeeded");
    expect((await getRunRow(ctx, later)).status).toBe("queued");
    expect(await ctx.redis.exists(ctx.keys.worker("drain-one"))).toBe(0);
    expect(drainMs).toBeLessThan(20_000); // the run's second, not the 20 s drain limit
    expect((await drain(admin, "drain-one")).status).toBe(404); // gone
    const rows = await audited("worker.drain");
    expect(rows.map((r) => r.details)).toContainEqual({ workerId: "drain-one" });

    // A new worker under the same id ignores the old request, and takes the queued run.
    const log2: string[] = [];
    const { handle } = supervisedWorker("drain-one", log2);
    await waitForStatus(ctx, later, ["succeeded"]);
    expect(log2).toEqual([]);
    await handle.stop();
  });

  it("reloads all workers one at a time through the beat, each replaced by a new one", async () => {
    const log: string[] = [];
    const replacements: WorkerHandle[] = [];
    // The "supervisor": a worker that exits is started again under a new id.
    const supervise = (id: string) =>
      supervisedWorker(id, log, () => {
        log.push(`start ${id}-new`);
        replacements.push(startWorker(workerContext(`${id}-new`), pipelines));
      });
    supervise("reload-a");
    supervise("reload-b");
    await Promise.all([waitForHeartbeat("reload-a"), waitForHeartbeat("reload-b")]);
    const beat = startBeat(ctx, { reload: { pollMs: 100, replaceWaitMs: 10_000 } });
    try {
      const reload = () =>
        callRoute(reloadRoute, {
          method: "POST",
          path: "/api/v1/operations/workers/reload",
          headers: as(admin),
        });
      const asked = await reload();
      expect(asked.status).toBe(202);
      expect(await asked.json()).toMatchObject({ pending: ["reload-a", "reload-b"] });
      expect((await reload()).status).toBe(409); // one at a time
      await beat.tick(); // takes it up now rather than at the next interval

      const view = await vi.waitFor(
        async () => {
          const response = await callRoute(operationsRoute, {
            path: "/api/v1/operations",
            headers: as(admin),
          });
          const answer = (await response.json()) as OperationsView;
          expect(answer.reload?.finishedAt).toBeTruthy();
          return answer;
        },
        { timeout: 30_000, interval: 200 },
      );
      expect(view.reload?.done).toEqual([
        expect.objectContaining({
          workerId: "reload-a",
          outcome: "replaced",
          replacedBy: "reload-a-new",
        }),
        expect.objectContaining({
          workerId: "reload-b",
          outcome: "replaced",
          replacedBy: "reload-b-new",
        }),
      ]);
      // The second was asked only after the first had exited and its successor had started.
      expect(log).toEqual([
        "drain reload-a",
        "exit reload-a",
        "start reload-a-new",
        "drain reload-b",
        "exit reload-b",
        "start reload-b-new",
      ]);
      const rows = await audited("workers.reload");
      expect(rows.at(-1)?.details).toEqual({ workers: ["reload-a", "reload-b"] });
      const ids = view.workers.map((w) => w.id);
      expect(ids).toEqual(expect.arrayContaining(["reload-a-new", "reload-b-new"]));
      expect(ids).not.toContain("reload-a");
    } finally {
      await beat.stop();
      await Promise.all(replacements.map((w) => w.stop()));
    }
  });

  it("moves on when no new worker appears, and refuses a reload with no live worker", async () => {
    const log: string[] = [];
    const { exited } = supervisedWorker("reload-alone", log); // no supervisor: stays stopped
    await waitForHeartbeat("reload-alone");
    // A beat of its own, waiting only 300 ms for a replacement.
    const beat = startBeat(ctx, { reload: { pollMs: 100, replaceWaitMs: 300 } });
    try {
      const reload = () =>
        callRoute(reloadRoute, {
          method: "POST",
          path: "/api/v1/operations/workers/reload",
          headers: as(admin),
        });
      expect((await reload()).status).toBe(202);
      await beat.tick();
      await exited;
      await vi.waitFor(
        async () => {
          const response = await callRoute(operationsRoute, {
            path: "/api/v1/operations",
            headers: as(admin),
          });
          const answer = (await response.json()) as OperationsView;
          expect(answer.reload?.done).toEqual([
            expect.objectContaining({
              workerId: "reload-alone",
              outcome: "gone",
              replacedBy: null,
            }),
          ]);
          expect(answer.reload?.finishedAt).toBeTruthy();
        },
        { timeout: 10_000, interval: 100 },
      );
      const refused = await reload();
      expect(refused.status).toBe(409); // no live worker now
      expect(refused.headers.get("content-type")).toContain("application/problem+json");
    } finally {
      await beat.stop();
    }
  });

  it("makes a real worker process (worker/main.ts) exit 0, which every supervisor restarts", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "worker/main.ts"], {
      env: { ...process.env, WORKER_ID: "drain-process", RUNS_DIR: runsDir },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exitCode = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      await waitForHeartbeat("drain-process", 60_000); // tsx, migrations check, pipelines
      await drainWorker(ctx, { principal: admin.principal, workerId: "drain-process" });
      expect(await exitCode, stderr).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 90_000);
});
