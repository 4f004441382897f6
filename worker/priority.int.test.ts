import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "@/server/context";
import type { LoadedPipeline } from "@/server/pipelines/load-pipeline-definitions";
import { submitRun } from "@/server/runs/submit-run";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, waitForStatus } from "@/test/runs";
import { startWorker } from "./start-worker";

let ctx: AppContext;
let alice: TestUser;
let runsDir: string;
let pipelines: LoadedPipeline[];

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-priority-"));
  ctx = createTestContext({ runsDir, workerConcurrency: 1 });
  alice = await createTestUser(ctx, "operator"); // submitters may set up to 10 only
  pipelines = await registerPipelines(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(runsDir, { recursive: true, force: true });
});

async function submitWithPriority(name: string, priority: number): Promise<string> {
  const result = await submitRun(ctx, {
    principal: alice.principal,
    body: JSON.stringify({ pipeline: "hello", priority, config: { name, steps: 1 } }),
    format: "runs",
    trigger: "api",
    dryRun: false,
  });
  if (result.kind === "dry-run") throw new Error("unexpected dry run");
  return result.run.publicId;
}

describe("run priority", () => {
  it("starts higher-priority runs first, and equal ones in submission order", async () => {
    const low = await submitWithPriority("low", 0);
    const high = await submitWithPriority("high", 100);
    const mid1 = await submitWithPriority("mid-1", 50);
    const mid2 = await submitWithPriority("mid-2", 50);
    const worker = startWorker(ctx, pipelines);
    for (const id of [low, high, mid1, mid2]) await waitForStatus(ctx, id, ["succeeded"]);
    await worker.stop();
    const started = await Promise.all([low, high, mid1, mid2].map((id) => getRunRow(ctx, id)));
    const order = started
      .sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime())
      .map((r) => (JSON.parse(r.config) as { name: string }).name);
    expect(order).toEqual(["high", "mid-1", "mid-2", "low"]);
  });
});
