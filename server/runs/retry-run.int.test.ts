import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUBMITTER_MAX_PRIORITY } from "@/lib/contract/runs";
import type { AppContext } from "@/server/context";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { principalOf } from "@/test/principal";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow } from "@/test/runs";
import { cancelRun } from "./cancel-run";
import { retryRun } from "./retry-run";
import { submitRun } from "./submit-run";

let ctx: AppContext;
let operator: TestUser;

beforeAll(async () => {
  ctx = createTestContext();
  await registerPipelines(ctx);
  operator = await createTestUser(ctx, "operator");
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

/** A finished (cancelled while held) run of `hello` at `priority`, submitted by the operator. */
async function finishedRun(priority: number): Promise<string> {
  const result = await submitRun(ctx, {
    principal: operator.principal,
    body: JSON.stringify({ pipeline: "hello", config: { name: "x" }, hold: true, priority }),
    format: "runs",
    trigger: "api",
    dryRun: false,
  });
  if (result.kind === "dry-run") throw new Error("unexpected dry run");
  await cancelRun(ctx, { principal: operator.principal, runId: result.run.publicId });
  return result.run.publicId;
}

describe("retryRun and the caller's priority bound (issue 10, review leftover d)", () => {
  it("lowers a copied priority to a submitter's bound: a former operator's run does not jump the queue", async () => {
    const old = await finishedRun(90);
    // The same user, since given the submitter role (their runs stay theirs to retry).
    const { userId, username } = operator.principal;
    const demoted = principalOf(userId, username, "submitter");
    const retried = await retryRun(ctx, { principal: demoted, runId: old });
    expect(retried.priority).toBe(SUBMITTER_MAX_PRIORITY);
    expect((await getRunRow(ctx, retried.publicId)).priority).toBe(SUBMITTER_MAX_PRIORITY);
    expect((await getRunRow(ctx, old)).priority).toBe(90); // the old run stays as it was
  });

  it("keeps the priority when it is within the caller's bound", async () => {
    const high = await finishedRun(90);
    expect((await retryRun(ctx, { principal: operator.principal, runId: high })).priority).toBe(90);
    const low = await finishedRun(3);
    const { userId, username } = operator.principal;
    const submitter = principalOf(userId, username, "submitter");
    expect((await retryRun(ctx, { principal: submitter, runId: low })).priority).toBe(3);
  });
});
