import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postNewRun } from "@/app/api/v1/new-run/route";
import { POST as postRuns } from "@/app/api/v1/runs/route";
import { runEvents, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { checkConfigText } from "@/lib/schema/check-config-text";
import { getConfigValidator } from "@/server/pipelines/get-config-validator";
import { resolvePipeline } from "@/server/pipelines/resolve-pipeline";
import { registerPipelines } from "@/test/pipelines";
import { countRunsAndJobs } from "@/test/runs";
import { jobIdFor } from "@/server/queue/run-queue";

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

const counts = () => countRunsAndJobs(ctx);

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
    const run = (await response.json()) as {
      id: string;
      status: string;
      name: string;
      pipeline: string;
    };
    expect(response.headers.get("location")).toBe(`/api/v1/runs/${run.id}`);
    expect(run).toMatchObject({ status: "queued", name: "demo-qc", pipeline: "fastq-qc@1.0.0" });

    const [row] = await ctx.db.select().from(runs).where(eq(runs.publicId, run.id));
    expect(row?.config).toBe(example); // the snapshot is the body, byte for byte
    expect(row?.trigger).toBe("legacy_api");
    const events = await ctx.db.select().from(runEvents).where(eq(runEvents.runId, row!.id));
    expect(events.map((e) => e.toStatus)).toEqual(["queued"]);
    expect(await ctx.queue.getJobState(jobIdFor(run.id, 1))).toBe("prioritized");
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
    const run = (await response.json()) as {
      id: string;
      status: string;
      labels: object;
      pipeline: string;
    };
    expect(run).toMatchObject({ status: "held", labels: { team: "qc" }, pipeline: "hello@1.0.0" });
    const [row] = await ctx.db.select().from(runs).where(eq(runs.publicId, run.id));
    expect(row?.config).toBe(config);
    expect(await ctx.queue.getJobState(jobIdFor(run.id, 1))).toBe("unknown"); // held runs wait for release
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
    expect(await response.json()).toEqual({
      valid: true,
      pipeline: "hello@1.0.0",
      config: { name: "x" },
      warnings: [],
    });
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
    expect(((await again.json()) as { id: string }).id).toBe(
      ((await first.json()) as { id: string }).id,
    );
    const other = await send("two");
    expect(other.status).toBe(409);
    expect(await counts()).toEqual(before);
  });
});

describe("bad input gets a precise error and changes nothing", () => {
  const valid = JSON.stringify({ pipeline: "hello@1.0.0", project: "p", name: "world" });
  type Case = {
    name: string;
    status: number;
    headers?: () => Record<string, string>;
    body?: string | Buffer;
    path?: string;
    expect?: (problem: {
      detail: string;
      errors?: { path: string; line?: number; column?: number }[];
    }) => void;
  };
  const cases: Case[] = [
    {
      name: "malformed JSON → 400 with line and column",
      status: 400,
      body: '{\n  "pipeline": "hello@1.0.0",\n  "name": "x",,\n}',
      expect: (p) => {
        expect(p.errors?.[0]).toMatchObject({ line: 3, column: 15 });
        expect(p.detail).toContain("line 3, column 15");
      },
    },
    {
      name: "schema violation → 422 with JSON Pointers, lines and columns",
      status: 422,
      body: '{"pipeline": "hello@1.0.0",\n "name": "",\n "steps": "3",\n "exitcode": 1}',
      expect: (p) => {
        expect(p.errors).toEqual([
          { path: "/name", message: "must not be empty", line: 2, column: 10 },
          { path: "/steps", message: "must be an integer, not a string", line: 3, column: 11 },
          expect.objectContaining({ path: "/exitcode", line: 4, column: 2 }),
        ]);
      },
    },
    {
      name: "no pipeline named → 422 at /pipeline",
      status: 422,
      body: '{"name": "x"}',
      expect: (p) => expect(p.errors?.[0]?.path).toBe("/pipeline"),
    },
    {
      name: "unknown pipeline → 422",
      status: 422,
      body: '{"pipeline": "nope@1.0.0", "name": "x"}',
      expect: (p) => expect(p.detail).toContain("nope"),
    },
    {
      name: "unknown version → 422 listing the versions",
      status: 422,
      body: '{"pipeline": "hello@9.9.9", "name": "x"}',
      expect: (p) => expect(p.detail).toContain("available: 1.0.0"),
    },
    {
      name: "a JSON array → 422",
      status: 422,
      body: "[1, 2]",
    },
    {
      name: "no credentials → 401 with WWW-Authenticate",
      status: 401,
      headers: () => ({ "Content-Type": "application/json" }),
    },
    {
      name: "wrong password → 401",
      status: 401,
      headers: () => ({
        Authorization: basicAuth(alice.username, "wrong-password"),
        "Content-Type": "application/json",
      }),
    },
    {
      name: "revoked or unknown token → 401",
      status: 401,
      headers: () => ({
        Authorization: `Bearer rp_${"x".repeat(43)}`,
        "Content-Type": "application/json",
      }),
    },
    {
      name: "a viewer → 403",
      status: 403,
      headers: () => json(basicAuth(viewer.username, viewer.password)),
    },
    {
      name: "body over the limit → 413",
      status: 413,
      body: Buffer.alloc(ctx_limit() + 1, 0x20),
    },
    {
      name: "form-encoded body → 415",
      status: 415,
      headers: () => ({
        Authorization: basicAuth(alice.username, alice.password),
        "Content-Type": "application/x-www-form-urlencoded",
      }),
    },
    {
      name: "invalid UTF-8 → 400",
      status: 400,
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const before = await counts();
      const response = await callRoute(postNewRun, {
        method: "POST",
        path: c.path ?? "/api/v1/new-run/",
        headers: c.headers?.() ?? json(basicAuth(alice.username, alice.password)),
        body: c.body ?? valid,
      });
      expect(response.status).toBe(c.status);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      if (c.status === 401) expect(response.headers.get("www-authenticate")).toContain("Basic");
      const problem = (await response.json()) as Parameters<NonNullable<Case["expect"]>>[0] & {
        status: number;
      };
      expect(problem.status).toBe(c.status);
      c.expect?.(problem);
      expect(await counts()).toEqual(before);
    });
  }
});

function ctx_limit(): number {
  return getAppContext().config.maxBodyBytes;
}

describe("the envelope of POST /api/v1/runs", () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: json(basicAuth(alice.username, alice.password), headers),
      body,
    });

  it.each([
    ['{"pipeline": "hello", "config": [1]}', "/config", "expected record"],
    [
      '{"pipeline": "hello", "config": {"name": "x"}, "lables": {"a": "b"}}',
      "/lables",
      "is not an allowed property",
    ],
    [
      '{"pipeline": "hello", "config": {"name": "x"}, "labels": {"bad key": "b"}}',
      "/labels/bad key",
      "label keys",
    ],
    ['{"pipeline": "hello", "config": {"name": "x"}, "hold": "yes"}', "/hold", "boolean"],
    [
      '{"pipeline": "hello", "config": {"name": ""}, "config": {"name": "ok"}}',
      "/config",
      "appears twice",
    ],
    [
      '{"pipeline": "hello", "config": {"name": "a", "steps": 1, "steps": 2}}',
      "/config/steps",
      "appears twice",
    ],
  ])("rejects %s at %s", async (body, path, message) => {
    const before = await counts();
    const response = await post(body);
    expect(response.status).toBe(422);
    const problem = (await response.json()) as {
      errors: { path: string; message: string; line: number }[];
    };
    expect(problem.errors[0]?.path).toBe(path);
    expect(problem.errors[0]?.message.toLowerCase()).toContain(message.toLowerCase());
    expect(problem.errors[0]?.line).toBe(1);
    expect(await counts()).toEqual(before);
  });

  it("rejects a duplicate key in the old portal's body too", async () => {
    const response = await callRoute(postNewRun, {
      method: "POST",
      path: "/api/v1/new-run/",
      headers: json(basicAuth(alice.username, alice.password)),
      body: '{"pipeline": "hello", "name": "", "name": "x"}',
    });
    expect(response.status).toBe(422);
  });

  it("rejects a malformed Idempotency-Key with 400", async () => {
    const response = await post('{"pipeline": "hello", "config": {"name": "x"}}', {
      "Idempotency-Key": "a b",
    });
    expect(response.status).toBe(400);
  });

  it("keeps a schedule's keys and label to the beat (issue 10, finding 6)", async () => {
    const before = await counts();
    const body = '{"pipeline": "hello", "config": {"name": "x"}}';
    const taken = await post(body, {
      "Idempotency-Key": "schedule:01abc:2026-12-06T04:00:00.000Z",
    });
    expect(taken.status).toBe(400);
    expect(((await taken.json()) as { detail: string }).detail).toMatch(/reserved/);
    const labelled = await post(
      '{"pipeline": "hello", "config": {"name": "x"}, "labels": {"schedule": "01abc"}}',
    );
    expect(labelled.status).toBe(422);
    const problem = (await labelled.json()) as { errors: { path: string; line?: number }[] };
    expect(problem.errors).toEqual([
      expect.objectContaining({ path: "/labels/schedule", line: 1 }),
    ]);
    expect(await counts()).toEqual(before);
  });

  it("holds a submitter's priority to 10; operators may set up to 100 (issue 10, finding 11)", async () => {
    const before = await counts();
    const high = await post('{"pipeline": "hello", "config": {"name": "x"}, "priority": 100}');
    expect(high.status).toBe(422);
    const problem = (await high.json()) as { detail: string; errors: unknown[] };
    expect(problem.detail).toMatch(/a submitter may set a priority up to 10/);
    expect(problem.errors).toEqual([
      expect.objectContaining({ path: "/priority", line: 1, column: 60 }),
    ]);
    expect(await counts()).toEqual(before);
    const ok = await post('{"pipeline": "hello", "config": {"name": "x"}, "priority": 10}');
    expect(ok.status).toBe(201);
    const operator = await createTestUser(ctx, "operator");
    const urgent = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: json(basicAuth(operator.username, operator.password)),
      body: '{"pipeline": "hello", "config": {"name": "x"}, "priority": 100}',
    });
    expect(urgent.status).toBe(201);
    expect(((await urgent.json()) as { priority: number }).priority).toBe(100);
  });

  it("creates one run when the same Idempotency-Key arrives five times at once", async () => {
    const before = await counts();
    const body = '{"pipeline": "hello", "config": {"name": "race"}}';
    const key = `race-${Date.now()}`;
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => post(body, { "Idempotency-Key": key })),
    );
    const ids = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { id: string }).id),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(ids).size).toBe(1);
    expect((await counts()).rows).toBe(before.rows + 1);
  });
});

describe("group commit", () => {
  it("stores 30 concurrent submissions, each with its own row, event and job", async () => {
    const before = await counts();
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        callRoute(postRuns, {
          method: "POST",
          path: "/api/v1/runs",
          headers: json(basicAuth(alice.username, alice.password)),
          body: JSON.stringify({
            pipeline: "hello",
            name: `together-${i}`,
            config: { name: `n${i}` },
          }),
        }),
      ),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const created = await Promise.all(
      responses.map(async (r) => (await r.json()) as { id: string; name: string }),
    );
    for (const [i, view] of created.entries()) {
      const [row] = await ctx.db.select().from(runs).where(eq(runs.publicId, view.id));
      expect(row?.name).toBe(`together-${i}`);
      expect(JSON.parse(row!.config)).toEqual({ name: `n${i}` });
      const events = await ctx.db.select().from(runEvents).where(eq(runEvents.runId, row!.id));
      expect(events.map((e) => e.toStatus)).toEqual(["queued"]);
      expect(await ctx.queue.getJobState(jobIdFor(view.id, 1))).toBe("prioritized");
    }
    const after = await counts();
    expect(after.rows).toBe(before.rows + 30);
    expect(after.jobs).toBe(before.jobs + 30);
  });
});

describe("one validator for the editor and the server", () => {
  it.each([
    example.replace('"fastqCode": "R1"', '"fastqCode": "R3"'),
    example.replace('"study": "DEMO-001",', '"study": "DEMO-001",,'),
    example.replace('"email": "alice@example.org",', '"emial": "alice@example.org",'),
    example.replace('"rglb": "lib1",', '"rglb": "lib1", "rglb": "lib2",'),
    example.replace('"project": "demo-qc"', '"project": 7'),
  ])("reports the same problems at the same places (case %#)", async (text) => {
    const response = await callRoute(postNewRun, {
      method: "POST",
      path: "/api/v1/new-run/?dryRun=true",
      headers: json(basicAuth(alice.username, alice.password)),
      body: text,
    });
    const server = (
      (await response.json()) as {
        errors: { path: string; message: string; line: number; column: number }[];
      }
    ).errors;
    const pipeline = await resolvePipeline(ctx, "fastq-qc@1.0.0");
    const editor = checkConfigText(text, getConfigValidator(ctx, pipeline)).problems;
    expect(server.length).toBeGreaterThan(0);
    expect(
      editor.map(({ path, message, line, column }) => ({ path, message, line, column })),
    ).toEqual(server);
  });
});
