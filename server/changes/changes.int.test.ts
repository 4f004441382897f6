import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as changesRoute } from "@/app/api/v1/changes/route";
import { GET as listRoute } from "@/app/api/v1/runs/route";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { cancelRun } from "@/server/runs/cancel-run";
import { claimRun } from "@/server/runs/claim-run";
import { recordProgress } from "@/server/runs/record-progress";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { privateServer, stopServer } from "@/scripts/ops/private-server";
import { startRedis } from "@/scripts/ops/redis";
import { freePort } from "@/test/stack";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { MAX_LIVE_VIEWS_PER_USER as MAX_FEEDS_PER_USER } from "../runs/live-view-slots";
import { streamChanges } from "./stream-changes";

let ctx: AppContext;
let alice: TestUser;
let bob: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  [alice, bob, viewer] = await Promise.all([
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "viewer"),
  ]);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

const as = (user: TestUser) => ({ Authorization: basicAuth(user.username, user.token) });

interface FeedEvent {
  event: string;
  data: { version: number; kind?: string; run?: string | null; status?: string | null };
}

/** An open feed: its events as they arrive, and the way to close it. */
async function openFeed(user: TestUser) {
  const abort = new AbortController();
  const request = new Request("http://runport.test/api/v1/changes", {
    headers: { ...as(user), Accept: "text/event-stream" },
    signal: abort.signal,
  });
  const response = await changesRoute(request, { params: Promise.resolve({}) });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: FeedEvent[] = [];
  let buffer = "";
  /** Reads until `until` holds for an event received (5 s at most). */
  async function waitFor(until: (e: FeedEvent) => boolean): Promise<FeedEvent> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = events.find(until);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`not received; got ${JSON.stringify(events)}`);
      const { done, value } = await reader.read();
      if (done) throw new Error("the feed ended");
      buffer += decoder.decode(value, { stream: true });
      const blocks = buffer.split("\n\n");
      buffer = blocks.pop() ?? "";
      for (const block of blocks) {
        const event = /^event: (\w+)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as FeedEvent["data"] });
      }
    }
  }
  return {
    events,
    waitFor,
    close: async () => {
      abort.abort();
      await reader.cancel().catch(() => undefined);
    },
  };
}

describe("the change feed", () => {
  it("opens with the current version and carries a creation and a transition", async () => {
    const feed = await openFeed(viewer);
    const ready = await feed.waitFor((e) => e.event === "ready");
    const runId = await submit(ctx, alice.principal, "hello", { name: "x" }, { hold: true });
    const created = await feed.waitFor((e) => e.event === "change" && e.data.run === runId);
    expect(created.data).toMatchObject({ kind: "created", status: "held" });
    expect(created.data.version).toBeGreaterThan(ready.data.version);
    await cancelRun(ctx, { principal: alice.principal, runId });
    const cancelled = await feed.waitFor(
      (e) => e.data.run === runId && e.data.status === "cancelled",
    );
    expect(cancelled.data.kind).toBe("status");
    expect(cancelled.data.version).toBeGreaterThan(created.data.version);
    await feed.close();
  });

  it("carries a worker's claim and the progress it reports", async () => {
    const feed = await openFeed(alice);
    await feed.waitFor((e) => e.event === "ready");
    const runId = await submit(ctx, alice.principal, "hello", { name: "p" });
    const claimed = await claimRun(ctx, {
      publicId: runId,
      worker: { workerId: "feed-test", host: "localhost" },
      workDirPrefix: "/tmp/feed-test-",
    });
    expect(claimed).not.toBeNull();
    await feed.waitFor((e) => e.data.run === runId && e.data.status === "running");
    await recordProgress(ctx, claimed!.run, { percent: 40, message: "half" });
    const progress = await feed.waitFor((e) => e.data.run === runId && e.data.kind === "progress");
    expect(progress.data.status).toBeNull();
    await feed.close();
  });

  it("tells a submitter of their own runs only", async () => {
    const feed = await openFeed(bob);
    await feed.waitFor((e) => e.event === "ready");
    const alices = await submit(ctx, alice.principal, "hello", { name: "a" }, { hold: true });
    const bobs = await submit(ctx, bob.principal, "hello", { name: "b" }, { hold: true });
    await feed.waitFor((e) => e.data.run === bobs);
    // Published in this order on one channel: Alice's change would have arrived first.
    expect(feed.events.some((e) => e.data.run === alices)).toBe(false);
    await feed.close();
  });

  it("requires credentials", async () => {
    const response = await callRoute(changesRoute, { path: "/api/v1/changes" });
    expect(response.status).toBe(401);
  });

  it(`refuses a user's feed past ${MAX_FEEDS_PER_USER} open ones, and counts a closed one out`, async () => {
    const user = await createTestUser(ctx, "submitter");
    const aborts = Array.from({ length: MAX_FEEDS_PER_USER }, () => new AbortController());
    const streams = await Promise.all(
      aborts.map((a) => streamChanges(ctx, { principal: user.principal, signal: a.signal })),
    );
    const refused = await callRoute(changesRoute, { path: "/api/v1/changes", headers: as(user) });
    expect(refused.status).toBe(409);
    await streams[0]!.cancel();
    const again = await callRoute(changesRoute, { path: "/api/v1/changes", headers: as(user) });
    expect(again.status).toBe(200);
    await again.body?.cancel();
    await Promise.all(streams.slice(1).map((s) => s.cancel()));
    expect(ctx.liveViews.held(user.principal.userId)).toBe(0);
  });
});

describe("the runs list's ETag", () => {
  it("answers 304 while nothing changed and 200 with a new tag after a change", async () => {
    const first = await callRoute(listRoute, { path: "/api/v1/runs", headers: as(alice) });
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^W\/"c\d+-u\d+-submitter"$/);
    const same = await callRoute(listRoute, {
      path: "/api/v1/runs",
      headers: { ...as(alice), "If-None-Match": etag! },
    });
    expect(same.status).toBe(304);
    expect(await same.text()).toBe("");
    // Another user's tag is not this user's, even at the same version.
    const other = await callRoute(listRoute, {
      path: "/api/v1/runs",
      headers: { ...as(bob), "If-None-Match": etag! },
    });
    expect(other.status).toBe(200);
    const runId = await submit(ctx, alice.principal, "hello", { name: "y" }, { hold: true });
    const after = await callRoute(listRoute, {
      path: "/api/v1/runs",
      headers: { ...as(alice), "If-None-Match": etag! },
    });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    const list = (await after.json()) as { items: { id: string }[] };
    expect(list.items[0]?.id).toBe(runId);
  });
});

describe("without Redis", () => {
  it("a transition still applies (the announcement is only logged)", async () => {
    const runId = await submit(ctx, alice.principal, "hello", { name: "z" }, { hold: true });
    const offline = createTestContext({ redisUrl: "redis://127.0.0.1:1" });
    try {
      const result = await cancelRun(offline, { principal: alice.principal, runId });
      expect(result.status).toBe("cancelled");
      expect((await getRunRow(ctx, runId)).status).toBe("cancelled");
      // The feed answers 503 (the client polls instead) and the list has no tag.
      await expect(
        streamChanges(offline, {
          principal: alice.principal,
          signal: new AbortController().signal,
        }),
      ).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    } finally {
      await offline.close();
    }
  });

  it("announces a missed change as a reset once Redis answers again", async () => {
    const runId = await submit(ctx, alice.principal, "hello", { name: "w" }, { hold: true });
    // A Redis of its own, not started yet: the cancel's announcement fails.
    const root = mkdtempSync(path.join(tmpdir(), "runport-changes-"));
    const server = privateServer(root, "redis");
    const port = await freePort();
    const away = createTestContext({ redisUrl: `redis://127.0.0.1:${port}` });
    try {
      await cancelRun(away, { principal: alice.principal, runId });
      await expect.poll(() => away.missedChanges.pending).toBe(true);
      // Until the counter moves, a list tagged before the change would still be answered 304.
      await startRedis(server, {
        scheme: "redis",
        host: "127.0.0.1",
        port,
        user: "",
        password: "",
      });
      await expect
        .poll(() => away.redis.get(away.keys.changesVersion), { timeout: 15_000 })
        .toBe("1");
      expect(away.missedChanges.pending).toBe(false);
    } finally {
      await away.close();
      await stopServer(server);
      rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);
});
