import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs } from "@/db/schema";
import type { RunStatus } from "@/lib/run-status";
import type { AppContext } from "@/server/context";
import { createCounterRows, repairRunCounters } from "@/server/beat/repair-run-counters";
import { getOperations } from "@/server/operations/get-operations";
import { claimRun } from "@/server/runs/claim-run";
import { cancelRun } from "@/server/runs/cancel-run";
import { finishRun } from "@/server/runs/finish-run";
import { releaseRun } from "@/server/runs/release-run";
import { retryRun } from "@/server/runs/retry-run";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { countersAndTruth } from "@/test/run-counters";
import { COUNTER_SHARDS } from "./run-counters";
import { getRunRow, submit } from "@/test/runs";

let ctx: AppContext;
let admin: TestUser;
const worker = { workerId: "w-counters", host: "h" };

beforeAll(async () => {
  ctx = createTestContext();
  await registerPipelines(ctx);
  admin = await createTestUser(ctx, "admin");
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

/** The counters agree with the runs table, status by status and hour by hour. */
async function expectExact() {
  const { counts, runs: truth, hourly, finished } = await countersAndTruth(ctx);
  expect(counts).toEqual(truth);
  expect(hourly).toEqual(finished);
}

const claim = (publicId: string) => claimRun(ctx, { publicId, worker, workDirPrefix: "/tmp/x-" });

async function finish(publicId: string, status: "succeeded" | "failed" | "error" | "cancelled") {
  const run = await getRunRow(ctx, publicId);
  const outcome = { status, exitCode: status === "failed" ? 1 : 0, signal: null, error: null };
  return finishRun(ctx, { run, attempt: run.attempt, outcome: { ...outcome, logBytes: 0 } });
}

describe("the operations counters", () => {
  it("follow submit, hold, release, start, succeed, fail, error, cancel and retry", async () => {
    const view = async () => {
      const { runs: byStatus, perHour } = await getOperations(ctx, { principal: admin.principal });
      return { runs: byStatus as Record<RunStatus, number>, perHour };
    };
    const before = await view();
    const ok = await submit(ctx, admin.principal, "hello", { name: "ok" });
    const bad = await submit(ctx, admin.principal, "hello", { name: "bad" });
    const held = await submit(ctx, admin.principal, "hello", { name: "held" }, { hold: true });
    const gone = await submit(ctx, admin.principal, "hello", { name: "gone" });
    await expectExact();
    expect((await view()).runs.queued).toBe(before.runs.queued + 3);
    expect((await view()).runs.held).toBe(before.runs.held + 1);

    await releaseRun(ctx, { principal: admin.principal, runId: held });
    await cancelRun(ctx, { principal: admin.principal, runId: gone }); // queued → cancelled
    expect(await claim(ok)).not.toBeNull();
    expect(await claim(bad)).not.toBeNull();
    expect(await claim(held)).not.toBeNull();
    await expectExact();
    expect((await view()).runs.running).toBe(before.runs.running + 3);

    await cancelRun(ctx, { principal: admin.principal, runId: held }); // running → cancelling
    await expectExact();
    expect(await finish(ok, "succeeded")).toBe("succeeded");
    expect(await finish(bad, "failed")).toBe("failed");
    expect(await finish(held, "failed")).toBe("cancelled"); // the cancel wins
    await expectExact();

    const again = await retryRun(ctx, { principal: admin.principal, runId: bad });
    expect(await claim(again.publicId)).not.toBeNull();
    // hello allows one retry of a platform error: requeued, then an error for good.
    expect(await finish(again.publicId, "error")).toBe("queued");
    await expectExact();
    expect(await claim(again.publicId)).not.toBeNull();
    expect(await finish(again.publicId, "error")).toBe("error");
    await expectExact();

    const after = await view();
    expect(after.runs.succeeded - before.runs.succeeded).toBe(1);
    expect(after.runs.failed - before.runs.failed).toBe(1);
    expect(after.runs.error - before.runs.error).toBe(1);
    expect(after.runs.cancelled - before.runs.cancelled).toBe(2);
    const hour = after.perHour.at(-1)!;
    const hourBefore = before.perHour.at(-1)!;
    if (hour.hour === hourBefore.hour) expect(hour.cancelled - hourBefore.cancelled).toBe(2);
    else expect(hour.cancelled).toBeGreaterThanOrEqual(2);
  });

  it("stay exact under concurrent transitions, racing ones included", async () => {
    const ids = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        submit(ctx, admin.principal, "hello", { name: `c${i}` }),
      ),
    );
    // Two workers race for every run, and a cancel races with them: one of each wins.
    await Promise.all(
      ids.flatMap((id, i) => [
        claim(id),
        claim(id),
        i % 4 === 0 ? cancelRun(ctx, { principal: admin.principal, runId: id }) : claim(id),
      ]),
    );
    await expectExact();
    const rows = await Promise.all(ids.map((id) => getRunRow(ctx, id)));
    await Promise.all(
      rows.flatMap((run, i) =>
        run.status === "running" || run.status === "cancelling"
          ? [finish(run.publicId, i % 3 === 0 ? "failed" : "succeeded")]
          : [],
      ),
    );
    await expectExact();
  });

  it("are put right by the repair, even while transitions go on", async () => {
    const ids = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        submit(ctx, admin.principal, "hello", { name: `r${i}` }),
      ),
    );
    await claim(ids[0]!);
    await finish(ids[0]!, "succeeded");
    // Drift: a counter changed by hand, a run changed behind the counters' back.
    await ctx.db.execute(sql`UPDATE run_counts SET n = n + 7 WHERE status = 'queued'`);
    await ctx.db.execute(sql`UPDATE run_hourly SET n = n + 3 WHERE status = 'succeeded'`);
    await ctx.db
      .update(runs)
      .set({ status: "failed", finishedAt: new Date() })
      .where(eq(runs.publicId, ids[1]!));
    expect((await countersAndTruth(ctx)).counts).not.toEqual((await countersAndTruth(ctx)).runs);

    // Small statements (3 ids each) so that the repair spans the claims below.
    const [repaired] = await Promise.all([
      repairRunCounters(ctx, { idsPerStatement: 3 }),
      ...ids.slice(2).map((id) => claim(id)),
    ]);
    expect(repaired.statuses.queued).toBeLessThan(0);
    expect(repaired.hours).toBeGreaterThanOrEqual(1);
    await expectExact();
    expect(await repairRunCounters(ctx)).toEqual({ statuses: {}, hours: 0 });
  });

  it("get their rows made ahead by the beat, with no count changed", async () => {
    await submit(ctx, admin.principal, "hello", { name: "ahead" });
    const before = await countersAndTruth(ctx);
    await createCounterRows(ctx);
    await createCounterRows(ctx); // again: nothing changes
    expect(await countersAndTruth(ctx)).toEqual(before);
    const [[rows]] = (await ctx.db.execute(
      sql`SELECT (SELECT COUNT(*) FROM run_counts) AS counts,
        (SELECT COUNT(*) FROM run_hourly WHERE hour >= NOW() - INTERVAL 1 HOUR) AS hours`,
    )) as unknown as [{ counts: string; hours: string }[]];
    expect(Number(rows!.counts)).toBe(8 * COUNTER_SHARDS);
    expect(Number(rows!.hours)).toBeGreaterThanOrEqual(8); // this hour and the next, 4 outcomes
    await expectExact();
  });
});
