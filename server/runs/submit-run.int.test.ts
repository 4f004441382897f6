import { readFileSync } from "node:fs";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postNewRun } from "@/app/api/v1/new-run/route";
import { POST as postRuns } from "@/app/api/v1/runs/route";
import { runEvents, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";

let ctx: AppContext;
let alice: TestUser;
let viewer: TestUser;
const example = readFileSync("pipelines/fastq-qc/example.json", "utf8");

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  alice = await createTestUser(ctx, "submitter");
  viewer = await createTestUser(ctx, "viewer");
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

async function counts() {
  const [rows] = await ctx.db.select({ n: count() }).from(runs);
  const jobs = await ctx.queue.getJobCountByTypes("waiting", "active", "delayed", "prioritized");
  return { rows: rows?.n ?? 0, jobs };
}

const json = (auth: string, extra: Record<string, string> = {}) => ({
  Authorization: auth,
  "Content-Type": "application/json",
  ...extra,
});

describe("POST /api/v1/new-run/ (the old portal's contract)", () => {
  it("stores, records and queues the shipped fastq-qc example", async () => {
    const before = await counts();
    const response = await callRoute(postNewRun, {
      method: "POST",
      path: "/api/v1/new-run/",
      headers: json(basicAuth(alice.username, alice.password)),
      body: example,
    });
    expect(response.status).toBe(201);
    const run = (await response.json()) as { id: string; status: string; name: string; pipeline: string };
    expect(response.headers.get("location")).toBe(`/api/v1/runs/${run.id}`);
    expect(run).toMatchObject({ status: "queued", name: "demo-qc", pipeline: "fastq-qc@1.0.0" });

    const [row] = await ctx.db.select().from(runs).where(eq(runs.publicId, run.id));
    expect(row?.config).toBe(example); // the snapshot is the body, byte for byte
    expect(row?.trigger).toBe("legacy_api");
    const events = await ctx.db.select().from(runEvents).where(eq(runEvents.runId, row!.id));
    expect(events.map((e) => e.toStatus)).toEqual(["queued"]);
    expect(await ctx.queue.getJobState(run.id)).toBe("waiting");
    const after = await counts();
    expect(after.rows).toBe(before.rows + 1);
    expect(after.jobs).toBe(before.jobs + 1);
  });

  it("accepts an API token as the Basic password", async () => {
    const response = await callRoute(postNewRun, {
      method: "POST",
      path: "/api/v1/new-run",
      headers: json(basicAuth(alice.username, alice.token)),
      body: example,
    });
    expect(response.status).toBe(201);
  });
});

describe("POST /api/v1/runs", () => {
  it("keeps the config text exactly as submitted and takes name, labels and hold", async () => {
    const config = '{ "name" : "world",\n  "steps": 1 }';
    const body = `{"pipeline": "hello", "name": "greeting", "labels": {"team": "qc"}, "hold": true, "config": ${config}}`;
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: json(`Bearer ${alice.token}`),
      body,
    });
    expect(response.status).toBe(201);
    const run = (await response.json()) as { id: string; status: string; labels: object; pipeline: string };
    expect(run).toMatchObject({ status: "held", labels: { team: "qc" }, pipeline: "hello@1.0.0" });
    const [row] = await ctx.db.select().from(runs).where(eq(runs.publicId, run.id));
    expect(row?.config).toBe(config);
    expect(await ctx.queue.getJobState(run.id)).toBe("unknown"); // held runs wait for release
  });

  it("validates only with ?dryRun=true", async () => {
    const before = await counts();
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs?dryRun=true",
      headers: json(basicAuth(alice.username, alice.password)),
      body: JSON.stringify({ pipeline: "hello@latest", config: { name: "x" } }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ valid: true, pipeline: "hello@1.0.0", config: { name: "x" } });
    expect(await counts()).toEqual(before);
  });

  it("answers a replayed Idempotency-Key with the original run, and 409 for another body", async () => {
    const key = `key-${Date.now()}`;
    const send = (name: string) =>
      callRoute(postRuns, {
        method: "POST",
        path: "/api/v1/runs",
        headers: json(basicAuth(alice.username, alice.password), { "Idempotency-Key": key }),
        body: JSON.stringify({ pipeline: "hello", config: { name } }),
      });
    const first = await send("one");
    expect(first.status).toBe(201);
    const before = await counts();
    const again = await send("one");
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    const other = await send("two");
    expect(other.status).toBe(409);
    expect(await counts()).toEqual(before);
  });
});
