import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAttempts, runEvents, runLogs, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { cancelRun } from "@/server/runs/cancel-run";
import { claimRun } from "@/server/runs/claim-run";
import { getRunLogs } from "@/server/runs/get-run-logs";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import {
  getRunRow,
  processAlive,
  submit,
  waitForExit,
  waitForLog,
  waitForStatus,
} from "@/test/runs";
import { startWorker, type WorkerHandle } from "./start-worker";

let ctx: AppContext;
let worker: WorkerHandle;
let alice: TestUser;
let runsDir: string;

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-runs-"));
  ctx = createTestContext({
    runsDir,
    cancelGraceSeconds: 1,
    workerConcurrency: 4,
    workerDrainSeconds: 2,
  });
  const pipelines = await registerPipelines(ctx);
  alice = await createTestUser(ctx);
  worker = startWorker(ctx, pipelines);
});

afterAll(async () => {
  await worker.stop();
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(runsDir, { recursive: true, force: true });
});

async function events(runId: number) {
  const rows = await ctx.db
    .select()
    .from(runEvents)
    .where(eq(runEvents.runId, runId))
    .orderBy(asc(runEvents.id));
  return rows.map((e) => e.toStatus);
}

describe("a worker executing runs", () => {
  it("runs hello to success with log, progress, attempt and events", async () => {
    const id = await submit(ctx, alice.principal, "hello@1.0.0", { name: "tests", steps: 2 });
    const run = await waitForStatus(ctx, id, ["succeeded", "failed", "error"]);
    expect(run).toMatchObject({
      status: "succeeded",
      exitCode: 0,
      attempt: 1,
      progressPercent: 100,
    });
    expect(await events(run.id)).toEqual(["queued", "running", "succeeded"]);
    const [attempt] = await ctx.db.select().from(runAttempts).where(eq(runAttempts.runId, run.id));
    expect(attempt).toMatchObject({ attempt: 1, outcome: "succeeded", exitCode: 0 });
    expect(attempt?.pid).toBeGreaterThan(0);
    const log = await getRunLogs(ctx, { principal: alice.principal, runId: id, cursor: 0 });
    expect(log.text).toContain("Hello, tests!");
    expect(log.moreData).toBe(false);
    expect(log.nextCursor).toBe(Buffer.byteLength(log.text));
    expect(existsSync(path.join(runsDir, id, "attempt-1", "outputs", "greeting.txt"))).toBe(true);
  });

  it("records a non-zero exit as failed, without retrying", async () => {
    const id = await submit(ctx, alice.principal, "hello", { name: "x", exitCode: 3, steps: 1 });
    const run = await waitForStatus(ctx, id, ["succeeded", "failed", "error"]);
    expect(run).toMatchObject({ status: "failed", exitCode: 3, attempt: 1 });
  });

  it("passes argv placeholders, config.json as submitted, and no secrets in the environment", async () => {
    const id = await submit(ctx, alice.principal, "env-probe", { text: "héllo ✓" });
    const run = await waitForStatus(ctx, id, ["succeeded", "failed", "error"]);
    expect(run.status).toBe("succeeded");
    const workDir = path.join(runsDir, id, "attempt-1");
    const report = JSON.parse(
      readFileSync(path.join(workDir, "outputs", "report.json"), "utf8"),
    ) as {
      argv: string[];
      cwd: string;
      env: Record<string, string>;
      config: string;
    };
    expect(report.argv).toEqual([path.join(workDir, "config.json"), id]);
    expect(report.cwd).toBe(workDir);
    expect(report.config).toBe(run.config);
    expect(report.env.RUNPORT_RUN_ID).toBe(id);
    expect(report.env.RUNPORT_OUTPUTS_DIR).toBe(path.join(workDir, "outputs"));
    expect(
      Object.keys(report.env)
        .filter((k) => !k.startsWith("RUNPORT_"))
        .sort(),
    ).toEqual(expect.arrayContaining(["PATH"]));
    for (const secret of ["DATABASE_URL", "REDIS_URL", "AUTH_SECRET"])
      expect(report.env[secret]).toBeUndefined();
    expect(run).toMatchObject({ progressPercent: 42.5, progressMessage: "half way" });
    const streams = await ctx.db
      .select({ stream: runLogs.stream })
      .from(runLogs)
      .where(eq(runLogs.runId, run.id));
    expect(new Set(streams.map((s) => s.stream))).toEqual(new Set(["system", "stdout", "stderr"]));
  });

  it("marks a command that cannot start as error (the platform's failure, not the pipeline's)", async () => {
    const id = await submit(ctx, alice.principal, "missing-program", {});
    const run = await waitForStatus(ctx, id, ["succeeded", "failed", "error"]);
    expect(run.status).toBe("error");
    expect(run.error).toContain("could not start");
  });

  it("stops a run at the pipeline's timeout and records it as failed", async () => {
    const id = await submit(ctx, alice.principal, "slow-timeout", {});
    const run = await waitForStatus(ctx, id, ["succeeded", "failed", "error"], 10_000);
    expect(run.status).toBe("failed");
    expect(run.error).toContain("timeout of 1 s");
  });

  it("cancels a running run: the whole process group is gone within the grace period", async () => {
    const id = await submit(ctx, alice.principal, "stubborn", {});
    const match = await waitForLog(ctx, alice.principal, id, /pid (\d+) grandchild (\d+)/);
    const pids = [Number(match[1]), Number(match[2])];
    expect(pids.every(processAlive)).toBe(true);
    expect(await cancelRun(ctx, { principal: alice.principal, runId: id })).toEqual({
      status: "cancelling",
    });
    const run = await waitForStatus(ctx, id, ["cancelled", "failed", "succeeded", "error"], 5000);
    expect(run.status).toBe("cancelled");
    expect(await waitForExit(pids)).toBe(true);
    expect(await events(run.id)).toEqual(["queued", "running", "cancelling", "cancelled"]);
    const log = await getRunLogs(ctx, { principal: alice.principal, runId: id, cursor: 0 });
    expect(log.text).toContain("ignoring SIGTERM"); // SIGTERM first, SIGKILL after the grace period
  });

  it("cancels a held run at once, and a finished run is a conflict", async () => {
    const id = await submit(ctx, alice.principal, "hello", { name: "x" }, { hold: true });
    expect(await cancelRun(ctx, { principal: alice.principal, runId: id })).toEqual({
      status: "cancelled",
    });
    expect((await getRunRow(ctx, id)).status).toBe("cancelled");
    await expect(cancelRun(ctx, { principal: alice.principal, runId: id })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("starts a run exactly once even when two workers claim it together", async () => {
    const id = await submit(ctx, alice.principal, "hello", { name: "x" }, { hold: true });
    const run = await getRunRow(ctx, id);
    await ctx.db.update(runs).set({ status: "queued" }).where(eq(runs.id, run.id));
    const worker = { workerId: "w", host: "h" };
    const claims = await Promise.all(
      Array.from({ length: 5 }, () =>
        claimRun(ctx, { publicId: id, worker, workDirPrefix: "/tmp/x/attempt-" }),
      ),
    );
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
    // No process runs it: leave no run in `running` behind.
    await ctx.db.update(runs).set({ status: "cancelled" }).where(eq(runs.id, run.id));
  });

  it("pages a large log by cursor without losing or repeating a byte", async () => {
    const id = await submit(ctx, alice.principal, "hello", {
      name: "lines",
      lines: 50_000,
      steps: 1,
    });
    const run = await waitForStatus(ctx, id, ["succeeded", "failed", "error"], 30_000);
    expect(run.status).toBe("succeeded");
    let cursor = 0;
    let text = "";
    for (;;) {
      const page = await getRunLogs(ctx, {
        principal: alice.principal,
        runId: id,
        cursor,
        limitBytes: 64 * 1024,
      });
      text += page.text;
      if (!page.moreData) break;
      expect(page.nextCursor).toBeGreaterThan(cursor);
      cursor = page.nextCursor;
    }
    expect(Buffer.byteLength(text)).toBe(run.logBytes);
    const numbered = text.split("\n").filter((l) => /^log line \d+ of 50000$/.test(l));
    expect(numbered).toHaveLength(50_000);
  });
});
