import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withNamedLocks } from "@/db/named-lock";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { claimRun } from "./claim-run";
import { limitGuard } from "./run-limits";

const ctx = createTestContext();
const worker = { workerId: "limits-test", host: "localhost" };
let alice: TestUser;

beforeAll(async () => {
  await registerPipelines(ctx);
  alice = await createTestUser(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

/** `pauseSeconds`: a pause after the count, so that racing claims all meet in it. */
const claim = (publicId: string, byPipeline: Map<string, number>, pauseSeconds = 0) => {
  const guard = limitGuard({
    publicId,
    byPipeline,
    userMaxRunning: 0,
    prefix: ctx.config.redisPrefix,
  });
  const pause = { sql: "DO SLEEP(?)", params: [pauseSeconds] };
  return claimRun(ctx, {
    publicId,
    worker,
    workDirPrefix: "/tmp/limits-test-",
    guard: { ...guard, before: [...guard.before, ...(pauseSeconds ? [pause] : [])] },
  });
};

const setQuota = (max: number | null) =>
  ctx.db.update(users).set({ maxRunningRuns: max }).where(eq(users.id, alice.principal.userId));

async function lockIsFree(name: string): Promise<boolean> {
  const [rows] = (await ctx.db.execute(sql`SELECT IS_FREE_LOCK(${name}) AS free`)) as unknown as [
    { free: number }[],
  ];
  return Number(rows[0]?.free) === 1;
}

const submitMany = (n: number, name: string) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      submit(ctx, alice.principal, "hello", { name: `${name}${i}` }),
    ),
  );

describe("limitGuard: the limits in the claim's own round trip", () => {
  it("lets exactly the quota through when claims race, and leaves the locks free", async () => {
    const ids = await submitMany(6, "race");
    await setQuota(2);
    const limits = new Map<string, number>();
    // As the worker does: a busy claim is tried again, a limited one is done with.
    let left = ids;
    const claimed: string[] = [];
    for (let round = 0; left.length > 0 && round < 50; round++) {
      const results = await Promise.all(left.map((id) => claim(id, limits, 0.2)));
      claimed.push(...left.filter((_, i) => results[i] && !("refused" in results[i])));
      left = left.filter((_, i) => {
        const result = results[i];
        return result && "refused" in result && result.refused === "busy";
      });
    }
    expect(left).toEqual([]);
    expect(claimed).toHaveLength(2);
    const statuses = await Promise.all(ids.map(async (id) => (await getRunRow(ctx, id)).status));
    expect(statuses.filter((s) => s === "running")).toHaveLength(2);
    expect(statuses.filter((s) => s === "queued")).toHaveLength(4);
    expect(await lockIsFree(`${ctx.config.redisPrefix}:user:${alice.principal.userId}`)).toBe(true);
  });

  it("answers busy while another connection holds a lock, claiming nothing; then claims", async () => {
    const [id] = await submitMany(1, "busy");
    await setQuota(100);
    const limits = new Map([["hello", 100]]);
    const userLock = `${ctx.config.redisPrefix}:user:${alice.principal.userId}`;
    const held = await withNamedLocks(ctx.db, [userLock], 0, () => claim(id!, limits));
    expect(held).toEqual({ refused: "busy" });
    const row = await getRunRow(ctx, id!);
    expect([row.status, row.attempt]).toEqual(["queued", 0]);
    // The pipeline's lock, taken before the busy one, was released with it.
    expect(await lockIsFree(`${ctx.config.redisPrefix}:pipeline:hello`)).toBe(true);
    const claimed = await claim(id!, limits);
    expect(claimed && "attempt" in claimed ? claimed.attempt : null).toBe(1);
  });

  it("holds submitters to USER_MAX_RUNNING without an override, never operators; and a pipeline to its maximum", async () => {
    await setQuota(null);
    const operator = await createTestUser(ctx, "operator");
    const [mine, theirs] = await Promise.all([
      submit(ctx, alice.principal, "hello", { name: "default" }),
      submit(ctx, operator.principal, "hello", { name: "operator" }),
    ]);
    const guarded = (publicId: string, byPipeline: Map<string, number>) =>
      claimRun(ctx, {
        publicId,
        worker,
        workDirPrefix: "/tmp/limits-test-",
        guard: limitGuard({
          publicId,
          byPipeline,
          userMaxRunning: 3,
          prefix: ctx.config.redisPrefix,
        }),
      });
    // Alice has three running (the tests above): the default quota of 3 is reached.
    expect(await guarded(mine, new Map())).toEqual({ refused: "limited" });
    // hello has three running: a pipeline limit of 3 holds the operator's run back too.
    expect(await guarded(theirs, new Map([["hello", 3]]))).toEqual({ refused: "limited" });
    const claimed = await guarded(theirs, new Map([["hello", 4]]));
    expect(claimed && "attempt" in claimed ? claimed.attempt : null).toBe(1);
  });

  it("releases the locks when the claim's transaction fails", async () => {
    const name = `${ctx.config.redisPrefix}:fails`;
    const guard = {
      before: [{ sql: "SELECT GET_LOCK(?, 0)", params: [name] }],
      after: [{ sql: "DO RELEASE_LOCK(?)", params: [name] }],
    };
    await expect(
      ctx.runTransaction([{ sql: "SELECT no_such_column FROM runs", params: [] }], guard),
    ).rejects.toThrow(/no_such_column/);
    expect(await lockIsFree(name)).toBe(true);
  });
});
