import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAttempts, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { findAttemptsInGroups } from "./find-attempts-in-groups";
import { findCancellingRuns } from "./find-cancelling-runs";

// The services the worker reads MySQL through (it may not import db/ itself).
let ctx: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = createTestContext();
  alice = await createTestUser(ctx);
  await registerPipelines(ctx);
});

// Its runs are put in states no worker caused: they go, so no other test file sees them.
const made: string[] = [];
afterAll(async () => {
  await ctx.db.delete(runs).where(inArray(runs.publicId, made));
  await ctx.close();
});

async function held(): Promise<string> {
  const id = await submit(ctx, alice.principal, "hello", { name: "w" }, { hold: true });
  made.push(id);
  return id;
}

describe("reads for the worker", () => {
  it("findCancellingRuns answers only the given runs with a cancel request", async () => {
    const [cancelling, waiting, other] = [await held(), await held(), await held()];
    await ctx.db
      .update(runs)
      .set({ status: "cancelling" })
      .where(inArray(runs.publicId, [cancelling, other]));
    expect(await findCancellingRuns(ctx, { runIds: [cancelling, waiting] })).toEqual([cancelling]);
    expect(await findCancellingRuns(ctx, { runIds: [] })).toEqual([]);
  });

  it("findAttemptsInGroups answers this host's attempts in the given process groups", async () => {
    const id = await held();
    const run = await getRunRow(ctx, id);
    const attempt = { runId: run.id, workerId: "w1", workDir: "/tmp/x", startedAt: new Date() };
    await ctx.db.insert(runAttempts).values([
      { ...attempt, attempt: 1, host: "host-a", processGroup: 4242 },
      { ...attempt, attempt: 2, host: "host-b", processGroup: 4242 },
      { ...attempt, attempt: 3, host: "host-a", processGroup: 4343 },
    ]);
    expect(await findAttemptsInGroups(ctx, { host: "host-a", processGroups: [4242, 1] })).toEqual([
      { runId: id, attempt: 1, workerId: "w1", processGroup: 4242 },
    ]);
    expect(await findAttemptsInGroups(ctx, { host: "host-a", processGroups: [] })).toEqual([]);
  });
});
