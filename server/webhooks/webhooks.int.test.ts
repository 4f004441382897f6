import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as redeliverRoute } from "@/app/api/v1/webhooks/[id]/deliveries/[deliveryId]/redeliver/route";
import { GET as deliveriesRoute } from "@/app/api/v1/webhooks/[id]/deliveries/route";
import { DELETE as deleteRoute } from "@/app/api/v1/webhooks/[id]/route";
import { POST as testRoute } from "@/app/api/v1/webhooks/[id]/test/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/webhooks/route";
import { auditEvents, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import type {
  CreatedWebhook,
  WebhookDeliveryList,
  WebhookDeliveryView,
  WebhookList,
} from "@/lib/contract/webhooks";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { transitionRun } from "@/server/lifecycle/transition-run";
import { RunEventFollower } from "@/server/run-events/follow-run-events";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { submit } from "@/test/runs";
import { startBeat } from "@/worker/start-beat";
import { startWebhookSender } from "@/worker/webhook-sender";
import { resolveTarget, TargetRefused } from "./check-target";
import { createWebhook } from "./create-webhook";
import { pruneWebhookDeliveries } from "./prune-webhook-deliveries";
import { sendDueWebhooks } from "./send-due-webhooks";
import { webhookConsumer } from "./webhook-consumer";

// The web context reads these when first built: 127.0.0.1 allowed (the receiver below),
// retries after 50 ms instead of 5 s … 10 h.
process.env.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
process.env.WEBHOOK_RETRY_SECONDS = "0.05,0.05,0.05";
process.env.WEBHOOK_TIMEOUT_SECONDS = "1";

let ctx: AppContext;
let alice: TestUser;
let bob: TestUser;

/** What the receiver got: one entry per request it verified (path, webhook-id, body). */
interface Received {
  path: string;
  id: string;
  type: string;
  data: Record<string, unknown>;
  /** The payload's `timestamp`: when the run's status changed. */
  timestamp: string;
  at: number;
}
const received: Received[] = [];
/** Secrets by path, as the receiver's owner would configure them. */
const secrets = new Map<string, string>();
/** Requests per path (verified or not). */
const hits = new Map<string, number>();

/**
 * A receiver written without Runport's code: verifies every request with the
 * `standardwebhooks` package, and misbehaves on some paths: /flaky answers 500 once,
 * /drop drops the first connection, /gone answers 410, /slow never answers.
 */
const receiver = http.createServer((request, response) => {
  const path = request.url ?? "/";
  const hit = (hits.get(path) ?? 0) + 1;
  hits.set(path, hit);
  const chunks: Buffer[] = [];
  request.on("data", (c: Buffer) => chunks.push(c));
  request.on("end", () => {
    if (path === "/slow") return;
    if (path === "/drop" && hit === 1) return request.socket.destroy();
    if (path === "/flaky" && hit === 1) return response.writeHead(500).end();
    if (path === "/gone") return response.writeHead(410).end();
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      const payload = new Webhook(secrets.get(path) ?? "").verify(
        body,
        request.headers as Record<string, string>,
      ) as { type: string; timestamp: string; data: Record<string, unknown> };
      received.push({
        path,
        id: String(request.headers["webhook-id"]),
        type: payload.type,
        data: payload.data,
        timestamp: payload.timestamp,
        at: Date.now(),
      });
      response.writeHead(204).end();
    } catch {
      response.writeHead(400).end();
    }
  });
});
let base: string;

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  [alice, bob] = await Promise.all([createTestUser(ctx), createTestUser(ctx)]);
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // Every test's follower starts after the events so far.
  await new RunEventFollower(webhookConsumer).drain(ctx);
});

afterAll(async () => {
  receiver.closeAllConnections();
  receiver.close();
  await ctx.queue.obliterate({ force: true });
});

const auth = (user: TestUser) => ({ Authorization: basicAuth(user.username, user.password) });
const jsonType = { "Content-Type": "application/json" };

async function create(user: TestUser, body: Record<string, unknown>): Promise<CreatedWebhook> {
  const response = await callRoute(createRoute, {
    method: "POST",
    path: "/api/v1/webhooks",
    headers: { ...auth(user), ...jsonType },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  const created = (await response.json()) as CreatedWebhook;
  secrets.set(new URL(created.url).pathname, created.secret);
  return created;
}

async function deliveries(user: TestUser, id: number): Promise<WebhookDeliveryView[]> {
  const response = await callRoute(deliveriesRoute, {
    path: `/api/v1/webhooks/${id}/deliveries`,
    headers: auth(user),
    params: { id: String(id) },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as WebhookDeliveryList).items;
}

/** Sends due deliveries until `done` holds (retries are 50 ms apart here). */
async function sendUntil(
  done: () => boolean | Promise<boolean>,
  using: AppContext = ctx,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("deliveries did not finish within 10 s");
    await sendDueWebhooks(using);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cancel = (user: TestUser, publicId: string) =>
  transitionRun(ctx, {
    run: { publicId },
    event: "cancel",
    to: "cancelled",
    by: "user",
    details: { user: user.username },
  });

describe("webhooks for run events", () => {
  it("delivers each subscribed event once, signed, to the owner's matching endpoints only", async () => {
    const all = await create(alice, { url: `${base}/all`, description: "everything" });
    expect(all.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const ends = await create(alice, { url: `${base}/ends`, events: ["run.cancelled"] });
    const other = await create(alice, { url: `${base}/other`, pipelines: ["no-such-pipeline"] });
    const bobs = await create(bob, { url: `${base}/bob` });
    const listed = await callRoute(listRoute, { path: "/api/v1/webhooks", headers: auth(alice) });
    const list = (await listed.json()) as WebhookList;
    expect(list.items.map((w) => w.id)).toEqual([other.id, ends.id, all.id]);
    expect(JSON.stringify(list)).not.toContain("whsec_");

    const runId = await submit(ctx, alice.principal, "hello", { name: "hook" }, { name: "hooked" });
    await cancel(alice, runId);
    // Handed twice (a restart: a new follower from the same cursor): still one row each.
    await new RunEventFollower(webhookConsumer).drain(ctx);
    await new RunEventFollower(webhookConsumer).drain(ctx);
    await sendUntil(() => received.filter((r) => r.data.id === runId).length >= 3);
    await sendDueWebhooks(ctx);

    const mine = received.filter((r) => r.data.id === runId);
    expect(mine.map((r) => [r.path, r.type]).sort()).toEqual([
      ["/all", "run.cancelled"],
      ["/all", "run.queued"],
      ["/ends", "run.cancelled"],
    ]);
    expect(new Set(mine.map((r) => r.id)).size).toBe(3);
    expect(mine.find((r) => r.type === "run.cancelled")?.data).toMatchObject({
      id: runId,
      pipeline: "hello",
      name: "hooked",
      status: "cancelled",
      previousStatus: "queued",
    });
    const log = await deliveries(alice, all.id);
    expect(log.map((d) => [d.eventType, d.state, d.attempts, d.lastStatusCode])).toEqual([
      ["run.cancelled", "succeeded", 1, 204],
      ["run.queued", "succeeded", 1, 204],
    ]);
    expect(log[0]!.lastResponseMs).toBeGreaterThanOrEqual(0);
    expect(await deliveries(alice, other.id)).toEqual([]);
    expect(await deliveries(bob, bobs.id)).toEqual([]);
  });

  it("retries after a 500 and a dropped connection with the same webhook-id", async () => {
    const flaky = await create(alice, { url: `${base}/flaky`, events: ["run.queued"] });
    const drop = await create(alice, { url: `${base}/drop`, events: ["run.queued"] });
    const runId = await submit(ctx, alice.principal, "hello", { name: "retry" });
    await new RunEventFollower(webhookConsumer).drain(ctx);
    const got = (path: string) => received.filter((r) => r.path === path && r.data.id === runId);
    await sendUntil(() => got("/flaky").length === 1 && got("/drop").length === 1);
    for (const endpoint of [flaky, drop]) {
      const [delivery] = await deliveries(alice, endpoint.id);
      expect(delivery).toMatchObject({ state: "succeeded", attempts: 2, lastStatusCode: 204 });
      expect(got(new URL(endpoint.url).pathname)[0]!.id).toBe(delivery!.messageId);
    }
    expect(hits.get("/flaky")).toBe(2);
    expect(hits.get("/drop")).toBe(2);
  });

  it("gives up after the schedule's attempts, and times out a target that never answers", async () => {
    const slow = await create(alice, { url: `${base}/slow`, events: ["run.queued"] });
    const impatient = createTestContext({ webhooks: { ...ctx.config.webhooks, timeoutMs: 300 } });
    await submit(ctx, alice.principal, "hello", { name: "slow" });
    await new RunEventFollower(webhookConsumer).drain(ctx);
    await sendUntil(
      async () => (await deliveries(alice, slow.id))[0]?.state === "failed",
      impatient,
    ).finally(() => impatient.close());
    const [delivery] = await deliveries(alice, slow.id);
    // The first attempt and the three retries of WEBHOOK_RETRY_SECONDS.
    expect(delivery).toMatchObject({ attempts: 4, lastStatusCode: null, nextAttemptAt: null });
    expect(delivery!.lastError).toMatch(/300 ms/);
  });

  it("disables an endpoint that answers 410 Gone, and sends it nothing more", async () => {
    const gone = await create(alice, { url: `${base}/gone`, events: ["run.queued"] });
    await submit(ctx, alice.principal, "hello", { name: "gone" });
    await new RunEventFollower(webhookConsumer).drain(ctx);
    await sendUntil(async () => (await deliveries(alice, gone.id))[0]?.state === "failed");
    const [endpoint] = await ctx.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, gone.id));
    expect(endpoint!.disabledReason).toMatch(/410/);
    await submit(ctx, alice.principal, "hello", { name: "gone again" });
    await new RunEventFollower(webhookConsumer).drain(ctx);
    await sendDueWebhooks(ctx);
    expect(await deliveries(alice, gone.id)).toHaveLength(1);
    expect(hits.get("/gone")).toBe(1);
  });

  it("deletes finished deliveries after 30 days, never pending ones", async () => {
    const hook = await create(alice, { url: `${base}/old`, events: ["run.error"] });
    const old = new Date(Date.now() - 31 * 24 * 3600 * 1000);
    const row = (state: "pending" | "succeeded" | "failed", n: number) => ({
      endpointId: hook.id,
      messageId: `msg_old_${hook.id}_${n}`,
      eventType: "webhook.test",
      payload: { type: "webhook.test" },
      state,
      nextAttemptAt: state === "pending" ? new Date(Date.now() + 3600_000) : null,
      createdAt: n === 3 ? new Date() : old,
    });
    await ctx.db
      .insert(webhookDeliveries)
      .values([row("succeeded", 1), row("failed", 2), row("succeeded", 3), row("pending", 4)]);
    expect(await pruneWebhookDeliveries(ctx)).toBe(2);
    expect((await deliveries(alice, hook.id)).map((d) => d.messageId).sort()).toEqual([
      `msg_old_${hook.id}_3`,
      `msg_old_${hook.id}_4`,
    ]);
  });

  it("sends a test event and redelivers, from the API, audited; others' endpoints are 404", async () => {
    const hook = await create(alice, { url: `${base}/manual`, events: ["run.failed"] });
    const params = { id: String(hook.id) };
    const sent = await callRoute(testRoute, {
      method: "POST",
      path: `/api/v1/webhooks/${hook.id}/test`,
      headers: auth(alice),
      params,
    });
    expect(sent.status).toBe(202);
    const queued = (await sent.json()) as WebhookDeliveryView;
    expect(queued).toMatchObject({ eventType: "webhook.test", state: "pending", runId: null });
    await sendUntil(() => received.some((r) => r.path === "/manual"));
    const again = await callRoute(redeliverRoute, {
      method: "POST",
      path: `/api/v1/webhooks/${hook.id}/deliveries/${queued.id}/redeliver`,
      headers: auth(alice),
      params: { ...params, deliveryId: String(queued.id) },
    });
    expect(again.status).toBe(202);
    await sendUntil(() => received.filter((r) => r.path === "/manual").length === 2);
    const manual = received.filter((r) => r.path === "/manual");
    expect(manual.map((r) => r.id)).toEqual([queued.messageId, queued.messageId]);
    expect(manual[0]!.type).toBe("webhook.test");

    const notBobs = await callRoute(testRoute, {
      method: "POST",
      path: `/api/v1/webhooks/${hook.id}/test`,
      headers: auth(bob),
      params,
    });
    expect(notBobs.status).toBe(404);
    const deleted = await callRoute(deleteRoute, {
      method: "DELETE",
      path: `/api/v1/webhooks/${hook.id}`,
      headers: auth(alice),
      params,
    });
    expect(deleted.status).toBe(204);
    const audit = await ctx.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.actorUsername, alice.username));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "webhook.create",
        "webhook.test",
        "webhook.redeliver",
        "webhook.delete",
      ]),
    );
  });

  it("refuses bad and private URLs (422 with /url), and everyone's runs to non-admins", async () => {
    for (const url of ["ftp://example.org/x", "http://10.1.2.3/x", "http://[::1]/x", "nope"]) {
      const response = await callRoute(createRoute, {
        method: "POST",
        path: "/api/v1/webhooks",
        headers: { ...auth(alice), ...jsonType },
        body: JSON.stringify({ url }),
      });
      expect(response.status).toBe(422);
      const problem = (await response.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).toEqual(["/url"]);
    }
    const everyone = await callRoute(createRoute, {
      method: "POST",
      path: "/api/v1/webhooks",
      headers: { ...auth(alice), ...jsonType },
      body: JSON.stringify({ url: `${base}/x`, allUsers: true }),
    });
    expect(everyone.status).toBe(403);
  });

  it("never connects to loopback, private or link-local addresses unless allowed (SSRF)", async () => {
    const targets = ["127.0.0.1", "10.0.0.1", "169.254.169.254", "[::1]", "localhost"];
    const lenient = createTestContext({
      webhooks: {
        ...ctx.config.webhooks,
        allowedHosts: targets.map((t) => t.replace(/[[\]]/g, "")),
      },
    });
    const strict = createTestContext({ webhooks: { ...ctx.config.webhooks, allowedHosts: [] } });
    try {
      const port = (receiver.address() as AddressInfo).port;
      const ids: number[] = [];
      for (const host of targets) {
        const hook = await createWebhook(lenient, {
          principal: bob.principal,
          url: `http://${host}:${port}/ssrf`,
          events: ["run.queued"],
        });
        ids.push(hook.id);
      }
      await submit(ctx, bob.principal, "hello", { name: "ssrf" });
      await new RunEventFollower(webhookConsumer).drain(ctx);
      await sendUntil(async () => {
        const rows = await ctx.db.select().from(webhookDeliveries);
        return rows.filter((r) => ids.includes(r.endpointId) && r.state === "failed").length === 5;
      }, strict);
      const rows = await ctx.db.select().from(webhookDeliveries);
      for (const row of rows.filter((r) => ids.includes(r.endpointId))) {
        expect(row.lastError).toMatch(/private or loopback address/);
        expect(row.lastStatusCode).toBeNull();
      }
      expect(hits.get("/ssrf")).toBeUndefined();
      await expect(resolveTarget(new URL("http://localhost/"), [])).rejects.toThrow(TargetRefused);
      await expect(resolveTarget(new URL("http://[::ffff:127.0.0.1]/"), [])).rejects.toThrow(
        TargetRefused,
      );
    } finally {
      await Promise.all([lenient.close(), strict.close()]);
    }
  });

  it("notifies within a second of a run's end through the beat and a worker's sender (figure)", async () => {
    const hook = await create(bob, { url: `${base}/timed`, events: ["run.cancelled"] });
    const beat = startBeat(ctx, { runEventConsumers: [webhookConsumer] });
    const sender = startWebhookSender(ctx);
    try {
      await beat.tick();
      const delays: number[] = [];
      for (let i = 0; i < 10; i++) {
        const runId = await submit(ctx, bob.principal, "hello", { name: `timed ${i}` });
        await cancel(bob, runId);
        const deadline = Date.now() + 10_000;
        let got: Received | undefined;
        while (!(got = received.find((r) => r.path === "/timed" && r.data.id === runId))) {
          if (Date.now() > deadline) throw new Error("no webhook within 10 s of the run's end");
          await new Promise((r) => setTimeout(r, 10));
        }
        delays.push(got.at - Date.parse(got.timestamp));
      }
      // Recorded: the consumer's row (beat); sent: received by the receiver (worker's sender).
      // The sender marks a delivery succeeded once the receiver has answered: the last one
      // may still be "pending" the moment it is received.
      const settled = Date.now() + 10_000;
      let log = await deliveries(bob, hook.id);
      while (log.some((d) => d.state === "pending") && Date.now() < settled) {
        await new Promise((r) => setTimeout(r, 50));
        log = await deliveries(bob, hook.id);
      }
      const recorded = log.map((d) => {
        const event = received.find((r) => r.path === "/timed" && r.data.id === d.runId)!;
        return Date.parse(d.createdAt) - Date.parse(event.timestamp);
      });
      const at = (values: number[], q: number) =>
        [...values].sort((a, b) => a - b)[
          Math.min(values.length - 1, Math.floor(q * values.length))
        ];
      console.info(
        `webhook delay after a run's end (ms): recorded p50 ${at(recorded, 0.5)} p99 ${at(recorded, 0.99)}, received p50 ${at(delays, 0.5)} p99 ${at(delays, 0.99)}`,
      );
      expect(log.map((d) => d.state)).toEqual(Array(10).fill("succeeded"));
    } finally {
      await sender.stop();
      await beat.stop();
    }
  });
});
