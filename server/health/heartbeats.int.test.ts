import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "@/server/context";
import { createTestContext } from "@/test/context";
import { listWorkers, scanWorkers, writeWorkerHeartbeat, type WorkerHeartbeat } from "./heartbeats";

let ctx: AppContext;

beforeAll(() => {
  ctx = createTestContext();
});

afterAll(async () => {
  await ctx.close();
});

const heartbeat = (id: string): WorkerHeartbeat => ({
  id,
  host: "h",
  pid: 1,
  concurrency: 2,
  running: [],
  startedAt: new Date().toISOString(),
  at: new Date().toISOString(),
});
const ids = (workers: WorkerHeartbeat[]) => workers.map((w) => w.id).sort();

describe("the workers index", () => {
  it("lists the workers whose heartbeat lives, as the keyspace scan does, and forgets the rest", async () => {
    await writeWorkerHeartbeat(ctx, heartbeat("w-a"));
    await writeWorkerHeartbeat(ctx, heartbeat("w-b"));
    await writeWorkerHeartbeat(ctx, heartbeat("w-gone"));
    await ctx.redis.del(ctx.keys.worker("w-gone")); // stopped, or removed by the reaper
    // An entry whose heartbeat expired long ago is dropped from the index when listed.
    await ctx.redis.zadd(ctx.keys.workerIndex, Date.now() - 60_000, "w-old");
    expect(ids(await listWorkers(ctx))).toEqual(["w-a", "w-b"]);
    expect(ids(await scanWorkers(ctx))).toEqual(["w-a", "w-b"]);
    expect(await ctx.redis.zscore(ctx.keys.workerIndex, "w-old")).toBeNull();
  });
});
