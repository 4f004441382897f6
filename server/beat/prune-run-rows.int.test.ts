import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLogs, runOutputChunks, runOutputs, runs, type RunRow } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { transitionRun } from "@/server/lifecycle/transition-run";
import { claimRun } from "@/server/runs/claim-run";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { countersAndTruth } from "@/test/run-counters";
import { getRunRow, submit } from "@/test/runs";
import { readChangesVersion } from "../changes/publish-run-change";
import { pruneRunRows } from "./prune-run-rows";
import { repairRunCounters } from "./repair-run-counters";

const DAY_MS = 24 * 3600 * 1000;
let ctx: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = createTestContext({ runRowRetentionDays: 30 });
  await registerPipelines(ctx);
  alice = await createTestUser(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

/** A run that finished `daysAgo` as `status`, with an attempt, log, events and an output. */
async function finishedRun(daysAgo: number, status: "succeeded" | "failed"): Promise<RunRow> {
  const id = await submit(ctx, alice.principal, "hello", { name: `${daysAgo}d` });
  await claimRun(ctx, { publicId: id, worker: { workerId: "w", host: "h" }, workDirPrefix: "/x" });
  const applied = await transitionRun(ctx, {
    run: { publicId: id },
    event: "exit",
    to: status,
    by: "worker",
    details: { reason: "done" },
    values: { exitCode: status === "failed" ? 1 : 0, error: null, logBytes: 3 },
    now: new Date(Date.now() - daysAgo * DAY_MS),
  });
  expect(applied.applied).toBe(true);
  const run = await getRunRow(ctx, id);
  const at = { runId: run.id, attempt: 1 };
  await ctx.db.insert(runLogs).values([
    { ...at, offset: 0, length: 3, stream: "stdout", content: "hi\n" },
    { ...at, offset: 3, length: 3, stream: "stderr", content: "ho\n" },
  ]);
  const [output] = await ctx.db
    .insert(runOutputs)
    .values({ ...at, path: "a.txt", size: 1, sha256: "0".repeat(64), stored: true });
  await ctx.db.insert(runOutputChunks).values({
    outputId: output.insertId,
    seq: 0,
    data: Buffer.from("a"),
  });
  return run;
}

/** Rows left in each table that belongs to a run, for these runs. */
async function rowsOf(ids: number[]) {
  const [[row]] = (await ctx.db.execute(sql`
    SELECT
      (SELECT COUNT(*) FROM runs WHERE id IN ${ids}) AS runs,
      (SELECT COUNT(*) FROM run_events WHERE run_id IN ${ids}) AS events,
      (SELECT COUNT(*) FROM run_attempts WHERE run_id IN ${ids}) AS attempts,
      (SELECT COUNT(*) FROM run_logs WHERE run_id IN ${ids}) AS logs,
      (SELECT COUNT(*) FROM run_outputs WHERE run_id IN ${ids}) AS outputs,
      (SELECT COUNT(*) FROM run_output_chunks c JOIN run_outputs o ON o.id = c.output_id
        WHERE o.run_id IN ${ids}) AS chunks`)) as unknown as [Record<string, string>[]];
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

const hourlyOf = async (run: RunRow) => {
  const [rows] = (await ctx.db.execute(
    sql`SELECT n FROM run_hourly WHERE hour = DATE_FORMAT(${run.finishedAt}, '%Y-%m-%d %H:00:00') AND status = ${run.status}`,
  )) as unknown as [{ n: string }[]];
  return Number(rows[0]?.n ?? 0);
};

describe("run row retention (RUN_ROW_RETENTION_DAYS)", () => {
  it("deletes finished runs older than N days with all their rows, in batches, and keeps the counts", async () => {
    const old = [
      await finishedRun(400, "succeeded"),
      ...(await Promise.all([31, 40, 50, 60].map((d) => finishedRun(d, "failed")))),
    ];
    const young = await finishedRun(29, "succeeded");
    const waiting = await submit(ctx, alice.principal, "hello", { name: "waits" });
    // Submitted long ago and never finished: not a candidate, however old.
    await ctx.db
      .update(runs)
      .set({ createdAt: new Date(Date.now() - 90 * DAY_MS) })
      .where(inArray(runs.publicId, [waiting]));
    const oldIds = old.map((r) => r.id);
    expect(await rowsOf(oldIds)).toEqual({
      runs: 5,
      events: 15, // submit, claim, exit
      attempts: 5,
      logs: 10,
      outputs: 5,
      chunks: 5,
    });
    const hourly = await hourlyOf(old[0]!);
    expect(hourly).toBe(1);

    // Two batches of two a tick: the oldest four, then the last one.
    const options = { runsPerBatch: 2, batchesPerTick: 2, pauseMs: 1 };
    const version = await readChangesVersion(ctx);
    expect(await pruneRunRows(ctx, options)).toEqual({ runs: 4, batches: 2 });
    // Open lists hear of it: the change counter (feed, ETags) moved.
    expect(await readChangesVersion(ctx)).toBeGreaterThan(version!);
    expect((await rowsOf(oldIds)).runs).toBe(1);
    expect((await rowsOf([old[1]!.id])).runs).toBe(1); // the youngest of the old (31 days) waits
    expect(await pruneRunRows(ctx, options)).toEqual({ runs: 1, batches: 1 });
    expect(await pruneRunRows(ctx, options)).toEqual({ runs: 0, batches: 0 });

    expect(await rowsOf(oldIds)).toEqual({
      runs: 0,
      events: 0,
      attempts: 0,
      logs: 0,
      outputs: 0,
      chunks: 0,
    });
    expect((await rowsOf([young.id])).runs).toBe(1);
    expect((await getRunRow(ctx, waiting)).status).toBe("queued");
    // Runs by status follow the deletions; the chart's past hours keep what they counted.
    const { counts, runs: truth } = await countersAndTruth(ctx);
    expect(counts).toEqual(truth);
    expect(await hourlyOf(old[0]!)).toBe(hourly);
    // ...and the repair leaves them so: it recounts only hours no retention reaches.
    await repairRunCounters(ctx);
    expect(await hourlyOf(old[0]!)).toBe(hourly);
    expect((await countersAndTruth(ctx)).counts).toEqual((await countersAndTruth(ctx)).runs);
  });

  it("deletes nothing when RUN_ROW_RETENTION_DAYS is 0 (the default)", async () => {
    const keepAll = createTestContext();
    try {
      expect(keepAll.config.runRowRetentionDays).toBe(0);
      const old = await finishedRun(1000, "succeeded");
      expect(await pruneRunRows(keepAll)).toEqual({ runs: 0, batches: 0 });
      expect((await rowsOf([old.id])).runs).toBe(1);
      // The run is old enough for the 30-day context: it is what the setting decides.
      expect((await pruneRunRows(ctx)).runs).toBe(1);
    } finally {
      await keepAll.close();
    }
  });
});
