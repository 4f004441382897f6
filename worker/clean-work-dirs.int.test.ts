import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs } from "@/db/schema";
import { newRunId } from "@/lib/ids";
import type { AppContext } from "@/server/context";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { submit } from "@/test/runs";
import { cleanWorkDirs } from "./clean-work-dirs";

let ctx: AppContext;
let alice: TestUser;
let runsDir: string;

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-retention-"));
  ctx = createTestContext({ runsDir, retentionDays: 30 });
  alice = await createTestUser(ctx);
  await registerPipelines(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(runsDir, { recursive: true, force: true });
});

async function runWithDir(status: "succeeded" | "queued", finishedDaysAgo: number | null) {
  const id = await submit(ctx, alice.principal, "hello", { name: "r" }, { hold: true });
  const finishedAt =
    finishedDaysAgo === null ? null : new Date(Date.now() - finishedDaysAgo * 86_400_000);
  await ctx.db.update(runs).set({ status, finishedAt }).where(eq(runs.publicId, id));
  mkdirSync(path.join(runsDir, id, "attempt-1", "outputs"), { recursive: true });
  writeFileSync(path.join(runsDir, id, "attempt-1", "outputs", "big.bin"), "x".repeat(1000));
  return id;
}

describe("working-directory retention on a worker", () => {
  it("removes the folders of runs finished longer ago than RETENTION_DAYS, and nothing else", async () => {
    const old = await runWithDir("succeeded", 40);
    const recent = await runWithDir("succeeded", 2);
    const waiting = await runWithDir("queued", null);
    const stranger = newRunId(Date.now());
    mkdirSync(path.join(runsDir, stranger));

    expect(await cleanWorkDirs(ctx)).toBe(1);
    expect(existsSync(path.join(runsDir, old))).toBe(false);
    for (const kept of [recent, waiting, stranger]) {
      expect(existsSync(path.join(runsDir, kept))).toBe(true);
    }
    // The run row stays.
    const [row] = await ctx.db.select().from(runs).where(eq(runs.publicId, old));
    expect(row?.status).toBe("succeeded");
  });

  it("keeps everything when RETENTION_DAYS is 0", async () => {
    const keep = createTestContext({ runsDir, retentionDays: 0 });
    try {
      const old = await runWithDir("succeeded", 400);
      expect(await cleanWorkDirs(keep)).toBe(0);
      expect(existsSync(path.join(runsDir, old))).toBe(true);
    } finally {
      await keep.close();
    }
  });
});
