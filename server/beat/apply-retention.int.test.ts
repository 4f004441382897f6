import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLogs, runOutputChunks, runOutputs, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { getRunLogs, RETENTION_NOTICE } from "@/server/runs/get-run-logs";
import { applyRetention } from "./apply-retention";

const DAY_MS = 24 * 3600 * 1000;

let ctx: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = createTestContext({ retentionDays: 30 });
  await registerPipelines(ctx);
  alice = await createTestUser(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

/**
 * A run with `logChunks` log rows and one stored output of two chunks; finished
 * `finishedDaysAgo` days ago (null: still running).
 */
async function runWithContent(finishedDaysAgo: number | null, logChunks = 3): Promise<number> {
  const publicId = await submit(ctx, alice.principal, "hello", { name: "old" });
  const { id } = await getRunRow(ctx, publicId);
  const finishedAt =
    finishedDaysAgo === null ? null : new Date(Date.now() - finishedDaysAgo * DAY_MS);
  await ctx.db
    .update(runs)
    .set(finishedAt ? { status: "succeeded", finishedAt, logBytes: 300 } : { status: "running" })
    .where(eq(runs.id, id));
  const logs = Array.from({ length: logChunks }, (_, i) => ({
    runId: id,
    attempt: 1,
    offset: i * 6,
    length: 6,
    stream: "stdout" as const,
    content: `line ${i}\n`,
  }));
  for (let i = 0; i < logs.length; i += 500)
    await ctx.db.insert(runLogs).values(logs.slice(i, i + 500));
  const [output] = await ctx.db.insert(runOutputs).values({
    runId: id,
    attempt: 1,
    path: "result.txt",
    size: 4,
    sha256: "0".repeat(64),
    stored: true,
  });
  await ctx.db.insert(runOutputChunks).values([
    { outputId: output.insertId, seq: 0, data: Buffer.from("ab") },
    { outputId: output.insertId, seq: 1, data: Buffer.from("cd") },
  ]);
  return id;
}

async function contentOf(runId: number) {
  const [logs] = await ctx.db.select({ n: count() }).from(runLogs).where(eq(runLogs.runId, runId));
  const outputs = await ctx.db.select().from(runOutputs).where(eq(runOutputs.runId, runId));
  const [chunks] = await ctx.db
    .select({ n: count() })
    .from(runOutputChunks)
    .innerJoin(runOutputs, eq(runOutputs.id, runOutputChunks.outputId))
    .where(eq(runOutputs.runId, runId));
  return {
    logs: logs?.n ?? 0,
    outputs: outputs.length,
    stored: outputs.map((o) => o.stored),
    chunks: chunks?.n ?? 0,
  };
}

describe("retention", () => {
  it("removes old runs' logs and output content, keeps the runs and the output rows", async () => {
    const old = await runWithContent(40);
    const recent = await runWithContent(2);
    const unfinished = await runWithContent(null);
    const result = await applyRetention(ctx);
    expect(result.logRows).toBe(3);
    expect(result.outputChunks).toBe(2);
    expect(await contentOf(old)).toEqual({ logs: 0, outputs: 1, stored: [false], chunks: 0 });
    const untouched = { logs: 3, outputs: 1, stored: [true], chunks: 2 };
    expect(await contentOf(recent)).toEqual(untouched);
    expect(await contentOf(unfinished)).toEqual(untouched);
    const [row] = await ctx.db.select().from(runs).where(eq(runs.id, old));
    expect(row).toMatchObject({ status: "succeeded" });
    // The log endpoint says why the log is empty.
    const page = await getRunLogs(ctx, {
      principal: alice.principal,
      runId: row!.publicId,
      cursor: 0,
    });
    expect(page.text).toBe(`[runport] ${RETENTION_NOTICE}\n`);
  });

  it("works in bounded batches: a huge log takes several ticks", async () => {
    const huge = await runWithContent(31, 2500);
    const first = await applyRetention(ctx);
    expect(first.logRows).toBeLessThanOrEqual(1000);
    expect((await contentOf(huge)).logs).toBeGreaterThan(0);
    for (let tick = 0; tick < 5 && (await contentOf(huge)).logs > 0; tick++)
      await applyRetention(ctx);
    expect((await contentOf(huge)).logs).toBe(0);
  });

  it("keeps everything with RETENTION_DAYS=0", async () => {
    const old = await runWithContent(400);
    const keepAll = createTestContext({ retentionDays: 0 });
    try {
      expect(await applyRetention(keepAll)).toEqual({ logRows: 0, outputChunks: 0 });
    } finally {
      await keepAll.close();
    }
    expect(await contentOf(old)).toEqual({ logs: 3, outputs: 1, stored: [true], chunks: 2 });
    await applyRetention(ctx);
    expect((await contentOf(old)).logs).toBe(0);
  });
});
