import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getLive } from "@/app/api/health/live/route";
import { GET as getHealth } from "@/app/api/health/route";
import { GET as getOpenApi } from "@/app/api/openapi.json/route";
import { GET as getPipeline } from "@/app/api/v1/pipelines/[name]/route";
import { GET as getPipelines } from "@/app/api/v1/pipelines/route";
import { POST as cancelRoute } from "@/app/api/v1/runs/[id]/cancel/route";
import { POST as releaseRoute } from "@/app/api/v1/runs/[id]/release/route";
import { GET as logsRoute } from "@/app/api/v1/runs/[id]/logs/route";
import { GET as getRunRoute } from "@/app/api/v1/runs/[id]/route";
import { GET as listRoute } from "@/app/api/v1/runs/route";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { jobIdFor } from "@/server/queue/run-queue";
import { getRunRow, submit } from "@/test/runs";

let ctx: AppContext;
let alice: TestUser;
let bob: TestUser;
let operator: TestUser;
let viewer: TestUser;
let aliceRuns: string[];
let bobRun: string;

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  [alice, bob, operator, viewer] = await Promise.all([
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "operator"),
    createTestUser(ctx, "viewer"),
  ]);
  aliceRuns = [];
  for (let i = 0; i < 5; i++) {
    aliceRuns.push(
      await submit(ctx, alice.principal, "hello", { name: `a${i}` }, { name: `alpha-${i}` }),
    );
  }
  bobRun = await submit(ctx, bob.principal, "hello", { name: "b" }, { hold: true, name: "bravo" });
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

const as = (user: TestUser) => ({ Authorization: basicAuth(user.username, user.token) });
type List = {
  items: { id: string; name: string; submitter: string }[];
  nextCursor: string | null;
  total: number;
};

describe("GET /api/v1/runs", () => {
  it("shows a submitter only their own runs, newest first, paged by cursor", async () => {
    const first = await callRoute(listRoute, { path: "/api/v1/runs?limit=3", headers: as(alice) });
    const page1 = (await first.json()) as List;
    expect(page1.total).toBe(5);
    expect(page1.items.map((r) => r.id)).toEqual([...aliceRuns].reverse().slice(0, 3));
    const second = await callRoute(listRoute, {
      path: `/api/v1/runs?limit=3&cursor=${page1.nextCursor}`,
      headers: as(alice),
    });
    const page2 = (await second.json()) as List;
    expect(page2.items.map((r) => r.id)).toEqual([...aliceRuns].reverse().slice(3));
    expect(page2.nextCursor).toBeNull();
  });

  it("lets operators and viewers see everybody's runs, with filters", async () => {
    for (const user of [operator, viewer]) {
      const response = await callRoute(listRoute, {
        path: `/api/v1/runs?status=held&user=${bob.username}`,
        headers: as(user),
      });
      const list = (await response.json()) as List;
      expect(list.items.map((r) => r.id)).toEqual([bobRun]);
    }
    const byText = await callRoute(listRoute, {
      path: "/api/v1/runs?q=alpha-3",
      headers: as(operator),
    });
    expect(((await byText.json()) as List).items.map((r) => r.name)).toEqual(["alpha-3"]);
  });

  it("rejects a bad filter with 400", async () => {
    const response = await callRoute(listRoute, {
      path: "/api/v1/runs?status=bogus",
      headers: as(alice),
    });
    expect(response.status).toBe(400);
  });
});

describe("one run", () => {
  it("returns 404 for an unknown run and 403 for somebody else's", async () => {
    const unknown = await callRoute(getRunRoute, {
      path: "/api/v1/runs/x",
      headers: as(alice),
      params: { id: "0".repeat(26) },
    });
    expect(unknown.status).toBe(404);
    const others = await callRoute(getRunRoute, {
      path: "/",
      headers: as(alice),
      params: { id: bobRun },
    });
    expect(others.status).toBe(403);
    const logs = await callRoute(logsRoute, {
      path: "/",
      headers: as(alice),
      params: { id: bobRun },
    });
    expect(logs.status).toBe(403);
  });

  it("lets a viewer read but not cancel; the owner cancels; then it is a conflict", async () => {
    const read = await callRoute(getRunRoute, {
      path: "/",
      headers: as(viewer),
      params: { id: bobRun },
    });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { config: unknown }).config).toEqual({ name: "b" });
    const byViewer = await callRoute(cancelRoute, {
      method: "POST",
      path: "/",
      headers: as(viewer),
      params: { id: bobRun },
    });
    expect(byViewer.status).toBe(403);
    const byAlice = await callRoute(cancelRoute, {
      method: "POST",
      path: "/",
      headers: as(alice),
      params: { id: bobRun },
    });
    expect(byAlice.status).toBe(403);
    const byBob = await callRoute(cancelRoute, {
      method: "POST",
      path: "/",
      headers: as(bob),
      params: { id: bobRun },
    });
    expect(byBob.status).toBe(202);
    expect(await byBob.json()).toEqual({ status: "cancelled" });
    const again = await callRoute(cancelRoute, {
      method: "POST",
      path: "/",
      headers: as(bob),
      params: { id: bobRun },
    });
    expect(again.status).toBe(409);
  });

  it("releases a held run once: held → queued with its job, then a conflict", async () => {
    const held = await submit(ctx, alice.principal, "hello", { name: "held" }, { hold: true });
    const byViewer = await callRoute(releaseRoute, {
      method: "POST",
      path: "/",
      headers: as(viewer),
      params: { id: held },
    });
    expect(byViewer.status).toBe(403);
    const released = await callRoute(releaseRoute, {
      method: "POST",
      path: "/",
      headers: as(alice),
      params: { id: held },
    });
    expect(released.status).toBe(200);
    expect((await getRunRow(ctx, held)).status).toBe("queued");
    expect(await ctx.queue.getJobState(jobIdFor(held, 1))).toBe("prioritized");
    const again = await callRoute(releaseRoute, {
      method: "POST",
      path: "/",
      headers: as(alice),
      params: { id: held },
    });
    expect(again.status).toBe(409);
  });

  it("serves the log with cursor headers", async () => {
    const response = await callRoute(logsRoute, {
      path: "/api/v1/runs/x/logs?cursor=0",
      headers: as(alice),
      params: { id: aliceRuns[0]! },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-next-cursor")).toBe("0");
    expect(response.headers.get("x-more-data")).toBe("true"); // queued: more will come
  });
});

describe("pipelines and health", () => {
  it("lists pipelines and shows one version's schema and example", async () => {
    const list = (await (
      await callRoute(getPipelines, { path: "/", headers: as(viewer) })
    ).json()) as {
      items: { name: string; latest: string }[];
    };
    expect(list.items.map((p) => p.name)).toEqual(expect.arrayContaining(["fastq-qc", "hello"]));
    const detail = await callRoute(getPipeline, {
      path: "/api/v1/pipelines/fastq-qc?version=latest",
      headers: as(viewer),
      params: { name: "fastq-qc" },
    });
    const body = (await detail.json()) as {
      version: string;
      schema: { properties: object };
      example: object;
    };
    expect(body.version).toBe("1.0.0");
    expect(Object.keys(body.schema.properties)).toContain("dataFiles");
    expect(body.example).toHaveProperty("dataFiles");
    for (const name of ["nope", "%", "../etc"]) {
      const missing = await callRoute(getPipeline, {
        path: "/",
        headers: as(viewer),
        params: { name },
      });
      expect(missing.status).toBe(404);
    }
  });

  it("reports health without authentication, and nothing about hosts", async () => {
    const response = await callRoute(getHealth, { path: "/api/health" });
    const health = (await response.json()) as Record<string, Record<string, unknown>>;
    expect(response.status).toBe(200);
    expect(health).toMatchObject({ database: { ok: true }, redis: { ok: true } });
    expect(Object.keys(health.workers ?? {})).toEqual(["count"]);
    expect(JSON.stringify(health)).not.toMatch(/host|pid/);
  });

  it("answers liveness and the OpenAPI document without authentication", async () => {
    const live = await callRoute(() => Promise.resolve(getLive()), { path: "/api/health/live" });
    expect(await live.json()).toEqual({ status: "ok" });
    const document = await callRoute(() => Promise.resolve(getOpenApi()), {
      path: "/api/openapi.json",
    });
    expect(((await document.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });
});
