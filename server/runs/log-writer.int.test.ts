import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { runLogs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { HIGH_WATER_BYTES, LogWriter } from "./log-writer";

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

async function storedText(runId: number): Promise<string> {
  const rows = await ctx.db
    .select({ content: runLogs.content })
    .from(runLogs)
    .where(eq(runLogs.runId, runId))
    .orderBy(runLogs.offset);
  return rows.map((r) => r.content).join("");
}

describe("the log writer under a flood (issue 12, item 7)", () => {
  it("lets the producer go on once a batch has taken its text, while that batch is stored", async () => {
    const publicId = await submit(ctx, alice.principal, "hello", { name: "flood" }, { hold: true });
    const run = await getRunRow(ctx, publicId);
    const log = new LogWriter(ctx, { id: run.id, publicId, attempt: 1 });
    log.write("stdout", "first\n");
    await log.flush();
    // Another session inserts the row the writer's next INSERT will need and keeps it
    // uncommitted: that INSERT waits for the row lock until the session rolls back.
    let rollBack = () => {};
    const held = new Promise<void>((resolve) => (rollBack = resolve));
    let locked = () => {};
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const blocker = ctx.db
      .transaction(async (tx) => {
        await tx.insert(runLogs).values({
          runId: run.id,
          attempt: 1,
          offset: log.bytes,
          length: 1,
          stream: "stdout",
          content: "x",
        });
        locked();
        await held;
        tx.rollback();
      })
      .catch(() => undefined);
    await lockTaken;

    const line = `${".".repeat(99)}\n`;
    let written = 0;
    while (log.write("stdout", line.repeat(640))) written += 640 * 100;
    written += 640 * 100;
    expect(written).toBeGreaterThanOrEqual(HIGH_WATER_BYTES); // the producer was asked to pause
    // It may go on as soon as the batch took the text, though the INSERT is still waiting.
    const resumed = await Promise.race([
      log.drained().then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 3000)),
    ]);
    const [stored] = await ctx.db
      .select({ bytes: sql<string>`COALESCE(SUM(${runLogs.length}), 0)` })
      .from(runLogs)
      .where(eq(runLogs.runId, run.id));
    expect(resumed).toBe(true);
    expect(Number(stored!.bytes)).toBe("first\n".length);
    // The batch being stored still counts in the log's size (MAX_LOG_BYTES is checked on it).
    expect(log.bytes).toBe("first\n".length + written);
    // Memory stays bounded: one batch waits to be stored, the next one fills up to the mark.
    let more = 0;
    while (log.write("stdout", line.repeat(640))) more += 640 * 100;
    expect(more).toBeLessThan(HIGH_WATER_BYTES);

    rollBack();
    await blocker;
    await log.close();
    expect(await storedText(run.id)).toBe(`first\n${line.repeat((written + more) / 100 + 640)}`);
  }, 30_000);
});
