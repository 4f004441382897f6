import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postNewRun } from "@/app/api/v1/new-run/route";
import { POST as postCheckPaths } from "@/app/api/v1/pipelines/[name]/check-paths/route";
import { POST as postRetry } from "@/app/api/v1/runs/[id]/retry/route";
import { POST as postRuns } from "@/app/api/v1/runs/route";
import { POST as postSchedules } from "@/app/api/v1/schedules/route";
import { schedules, users } from "@/db/schema";
import type { PathCheckResult } from "@/lib/contract/pipelines";
import type { Problem } from "@/lib/contract/problem";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { cancelRun } from "@/server/runs/cancel-run";
import { fireSchedule } from "@/server/schedules/fire-schedule";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { countRunsAndJobs, submit } from "@/test/runs";

// The web's context reads DATA_ROOTS from the environment: one data root for this file.
const dataRoot = mkdtempSync(path.join(tmpdir(), "runport-data-root-"));
process.env.DATA_ROOTS = dataRoot;
const FASTQ = path.resolve("pipelines/fastq-qc/data/sample2_R1.fastq");
const OUTSIDE = `is outside the data folders: the pipeline folder, ${dataRoot}`;

let ctx: AppContext;
let alice: TestUser;
let viewer: TestUser;
const example = JSON.parse(readFileSync("pipelines/fastq-qc/example.json", "utf8")) as {
  dataFiles: { fastqPath: string }[];
};

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  alice = await createTestUser(ctx, "submitter");
  viewer = await createTestUser(ctx, "viewer");
  copyFileSync(FASTQ, path.join(dataRoot, "in-root_R1.fastq"));
  symlinkSync("/etc/passwd", path.join(dataRoot, "passwd.fastq"));
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  rmSync(dataRoot, { recursive: true, force: true });
});

const counts = () => countRunsAndJobs(ctx);
const headers = { Authorization: "", "Content-Type": "application/json" };
const auth = () => ({ ...headers, Authorization: basicAuth(alice.username, alice.token) });

/** The example with other paths in its first entries. */
function withPaths(...paths: string[]) {
  return {
    ...example,
    dataFiles: example.dataFiles.map((f, i) => ({ ...f, fastqPath: paths[i] ?? f.fastqPath })),
  };
}

describe("paths checked at submission (fastq-qc: format file-path, exists)", () => {
  it("a missing FASTQ is a 422 at its pointer, line and column, and nothing is stored", async () => {
    const before = await counts();
    const body = JSON.stringify(
      withPaths("data/sample1_R1.fastq.gz", "data/gone_R2.fastq.gz"),
      null,
      2,
    );
    const response = await callRoute(postNewRun, {
      method: "POST",
      path: "/api/v1/new-run/",
      headers: auth(),
      body,
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    expect(problem.detail).toBe("The config names paths that fastq-qc@1.0.0 cannot use: 1 path");
    const line = body.split("\n").findIndex((l) => l.includes("gone_R2")) + 1;
    expect(problem.errors).toEqual([
      { path: "/dataFiles/1/fastqPath", message: "does not exist", line, column: 20 },
    ]);
    expect(await counts()).toEqual(before);
  });

  it("outside the roots (a path, a link to /etc/passwd): the same sentence, no target, nothing stored", async () => {
    const before = await counts();
    const config = withPaths(
      "/etc/hosts.fastq",
      path.join(dataRoot, "passwd.fastq"),
      "/root/notes.fq",
    );
    for (const dryRun of [false, true]) {
      const response = await callRoute(postRuns, {
        method: "POST",
        path: `/api/v1/runs${dryRun ? "?dryRun=true" : ""}`,
        headers: auth(),
        body: JSON.stringify({ pipeline: "fastq-qc@1.0.0", config }),
      });
      expect(response.status).toBe(422);
      const text = await response.text();
      expect(text).not.toContain("/etc/passwd");
      const problem = JSON.parse(text) as Problem;
      expect(problem.errors?.map(({ path: p, message }) => [p, message])).toEqual([
        ["/config/dataFiles/0/fastqPath", OUTSIDE],
        ["/config/dataFiles/1/fastqPath", OUTSIDE],
        ["/config/dataFiles/2/fastqPath", OUTSIDE],
      ]);
    }
    expect(await counts()).toEqual(before);
  });

  it("accepts a FASTQ inside DATA_ROOTS (absolute) and the pipeline's own data (relative)", async () => {
    const config = withPaths(path.join(dataRoot, "in-root_R1.fastq"));
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs?dryRun=true",
      headers: auth(),
      body: JSON.stringify({ pipeline: "fastq-qc@1.0.0", config }),
    });
    expect(response.status).toBe(200);
  });

  it("a CSV of the samples names the cell of a missing file, and stores nothing", async () => {
    const before = await counts();
    const csv = readFileSync("server/spreadsheets/fixtures/libreoffice-samples.csv", "utf8");
    const form = new FormData();
    form.set("file", new File([csv.replace("data/sample2_R1.fastq", "data/nope.fq")], "s.csv"));
    form.set("pipeline", "fastq-qc@1.0.0");
    form.set(
      "config",
      JSON.stringify({ pipeline: "fastq-qc@1.0.0", project: "p", study: "s", email: "a@b.org" }),
    );
    const encoded = new Response(form);
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: {
        Authorization: basicAuth(alice.username, alice.token),
        "Content-Type": encoded.headers.get("content-type")!,
      },
      body: Buffer.from(await encoded.arrayBuffer()),
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    expect(problem.errors).toEqual([
      { path: "/dataFiles/2/fastqPath", message: "does not exist", sheet: "CSV", cell: "CSV!A5" },
    ]);
    expect(await counts()).toEqual(before);
  });

  it("a retry whose file is gone since is a 422 at /config/..., and makes no run", async () => {
    const file = path.join(dataRoot, "retry_R1.fastq");
    copyFileSync(FASTQ, file);
    const id = await submit(ctx, alice.principal, "fastq-qc@1.0.0", withPaths(file), {
      hold: true,
    });
    await cancelRun(ctx, { principal: alice.principal, runId: id });
    rmSync(file);
    const before = await counts();
    const response = await callRoute(postRetry, {
      method: "POST",
      path: `/api/v1/runs/${id}/retry`,
      headers: { Authorization: basicAuth(alice.username, alice.token) },
      params: { id },
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as Problem).errors).toEqual([
      { path: "/config/dataFiles/0/fastqPath", message: "does not exist" },
    ]);
    expect(await counts()).toEqual(before);
  });

  it("a schedule is refused at creation; at a fire, a file gone since fails that fire cleanly", async () => {
    const body = (fastqPath: string) =>
      JSON.stringify({
        name: `qc-${Math.random().toString(36).slice(2)}`,
        pipeline: "fastq-qc@1.0.0",
        config: withPaths(fastqPath),
        cron: "* * * * *",
      });
    const refused = await callRoute(postSchedules, {
      method: "POST",
      path: "/api/v1/schedules",
      headers: auth(),
      body: body("data/missing_R1.fastq"),
    });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as Problem).errors).toEqual([
      expect.objectContaining({ path: "/config/dataFiles/0/fastqPath", message: "does not exist" }),
    ]);

    const file = path.join(dataRoot, "nightly_R1.fastq");
    copyFileSync(FASTQ, file);
    const created = await callRoute(postSchedules, {
      method: "POST",
      path: "/api/v1/schedules",
      headers: auth(),
      body: body(file),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    rmSync(file);
    const [due] = await ctx.db
      .select({ schedule: schedules, owner: users })
      .from(schedules)
      .innerJoin(users, eq(users.id, schedules.userId))
      .where(eq(schedules.publicId, id));
    const before = await counts();
    const now = new Date(due!.schedule.nextFireAt!.getTime() + 1000);
    const outcome = await fireSchedule(ctx, due!, { now, lateAfterMs: 60_000 });
    expect(outcome).toMatchObject({ kind: "failed" });
    expect(outcome.kind === "failed" && outcome.error).toContain(
      "/config/dataFiles/0/fastqPath does not exist",
    );
    expect(await counts()).toEqual(before);
  });
});

describe("POST /api/v1/pipelines/{name}/check-paths (the editor's server check)", () => {
  const check = (body: string, user = alice, version = "1.0.0") =>
    callRoute(postCheckPaths, {
      method: "POST",
      path: `/api/v1/pipelines/fastq-qc/check-paths?version=${version}`,
      headers: { ...headers, Authorization: basicAuth(user.username, user.token) },
      params: { name: "fastq-qc" },
      body,
    });

  it("answers each path's problem with its pointer, line and column; stores nothing", async () => {
    const before = await counts();
    const text = JSON.stringify(
      withPaths("data/sample1_R1.fastq.gz", "data/x_R2.fq", "/etc/hosts.fq"),
      null,
      2,
    );
    const response = await check(text);
    expect(response.status).toBe(200);
    const result = (await response.json()) as PathCheckResult;
    const lineOf = (s: string) => text.split("\n").findIndex((l) => l.includes(s)) + 1;
    expect(result).toEqual({
      pipeline: "fastq-qc@1.0.0",
      problems: [
        {
          path: "/dataFiles/1/fastqPath",
          message: "does not exist",
          line: lineOf("x_R2"),
          column: 20,
        },
        {
          path: "/dataFiles/2/fastqPath",
          message: OUTSIDE,
          line: lineOf("/etc/hosts"),
          column: 20,
        },
      ],
    });
    expect((await (await check(JSON.stringify(example))).json()) as PathCheckResult).toEqual({
      pipeline: "fastq-qc@1.0.0",
      problems: [],
    });
    expect(await counts()).toEqual(before);
  });

  it("refuses a viewer, bad JSON, an unknown version; limits checks to 60 a minute", async () => {
    expect((await check("{}", viewer)).status).toBe(403);
    expect((await check('{"a": 1,,}')).status).toBe(400);
    expect((await check("{}", alice, "9.9.9")).status).toBe(422);
    const user = await createTestUser(ctx, "submitter");
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await check("{}", user)).status);
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
    const limited = await check("{}", user);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(statuses[60]).toBe(429);
  });
});
