import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAttempts, runs } from "@/db/schema";
import { createAppContext, type AppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { createTestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { createTestResources, type TestResources } from "@/test/resources";
import { freePort, requireBuild } from "@/test/stack";
import { submit } from "@/test/runs";
import { drainAndAwaitSuccessor } from "./support/drain";

// `pm2 reload` of the workers in the middle of runs, and of two web processes (cluster mode)
// under a stream of submissions, with the production process file (ecosystem.config.js) and
// a PM2 daemon of its own (PM2_HOME in a temporary folder).
const exec = promisify(execFile);
const PM2 = path.resolve("node_modules/.bin/pm2");
let resources: TestResources;
let ctx: AppContext;
let env: Record<string, string>;
let pm2Home: string;
let runsDir: string;
let worker: string;

function pm2(...args: string[]) {
  const pm2Env: Record<string, string> = { ...env, PM2_HOME: pm2Home };
  return exec(PM2, args, { env: pm2Env as NodeJS.ProcessEnv });
}

beforeAll(async () => {
  requireBuild();
  resources = await createTestResources();
  pm2Home = mkdtempSync(path.join(tmpdir(), "runport-pm2-"));
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-pm2-runs-"));
  env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    DATABASE_URL: resources.databaseUrl,
    REDIS_URL: resources.redisUrl,
    REDIS_PREFIX: resources.redisPrefix,
    AUTH_SECRET: "pm2-secret-pm2-secret-pm2-secret-pm2-42",
    ADMIN_PASSWORD: "pm2-admin-password-1",
    PIPELINES_PATH: path.resolve("pipelines"),
    RUNS_DIR: runsDir,
    PORT: String(await freePort()),
    BEAT_INTERVAL_SECONDS: "2",
    CANCEL_GRACE_SECONDS: "1",
    WORKER_DRAIN_SECONDS: "2",
    WORKER_CONCURRENCY: "4",
    WEB_INSTANCES: "2",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
  };
  ctx = createAppContext({ ...loadConfig(env), logLevel: "warn" }, "test");
  await registerPipelines(ctx, [path.resolve("pipelines")]);
  // As production runs it: `pm2 start` of the process file, whose apps keep their plain names.
  worker = "runport-worker";
  await pm2("start", "ecosystem.config.js");
}, 120_000);

afterAll(async () => {
  await pm2("kill").catch(() => undefined);
  await ctx?.close();
  await resources?.remove();
  rmSync(pm2Home, { recursive: true, force: true });
  rmSync(runsDir, { recursive: true, force: true });
});

async function statuses(ids: string[]) {
  return ctx.db
    .select({ publicId: runs.publicId, status: runs.status, attempt: runs.attempt })
    .from(runs)
    .where(inArray(runs.publicId, ids));
}

async function until(what: string, ms: number, probe: () => Promise<boolean>) {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("pm2 reload of the workers in the middle of runs", () => {
  it("loses no run: short ones finish, long ones come back as a new attempt; none overlaps", async () => {
    const { principal } = await createTestUser(ctx);
    const short = await submit(ctx, principal, "hello", { name: "s", sleepSeconds: 1, steps: 1 });
    const long = await submit(ctx, principal, "hello", { name: "l", sleepSeconds: 20, steps: 4 });
    const ids = [short, long];
    await until("both runs to start", 30_000, async () =>
      (await statuses(ids)).every((r) => r.status === "running"),
    );

    await pm2("reload", worker);

    await until("both runs to succeed", 90_000, async () =>
      (await statuses(ids)).every((r) => r.status === "succeeded"),
    ).catch(async (error: unknown) => {
      console.log(JSON.stringify(await statuses(ids)), (await pm2("list")).stdout);
      console.log((await exec("sh", ["-c", `tail -n 30 ${pm2Home}/logs/*`])).stdout);
      throw error;
    });
    const rows = await statuses(ids);
    expect(rows.find((r) => r.publicId === short)?.attempt).toBe(1); // drained, not cut
    expect(rows.find((r) => r.publicId === long)?.attempt).toBe(2); // handed back, re-run
    const [longRow] = await ctx.db.select().from(runs).where(eq(runs.publicId, long));
    const attempts = await ctx.db
      .select()
      .from(runAttempts)
      .where(eq(runAttempts.runId, longRow!.id))
      .orderBy(asc(runAttempts.attempt));
    expect(attempts.map((a) => a.outcome)).toEqual(["queued", "succeeded"]);
    // Attempt 2 started only once attempt 1 had ended.
    expect(attempts[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(
      attempts[0]!.finishedAt!.getTime(),
    );
  });
});

describe("a worker drained from the operations page's API under PM2", () => {
  it("exits, and PM2 starts a fresh one", async () => {
    const admin = await createTestUser(ctx, "admin");
    const auth = `Basic ${Buffer.from(`${admin.username}:${admin.token}`).toString("base64")}`;
    const base = `http://127.0.0.1:${env.PORT}`;
    await until("the web processes to answer", 60_000, async () =>
      fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      ),
    );
    const { drained, successor, ms } = await drainAndAwaitSuccessor(base, auth);
    expect(successor).not.toBe(drained);
    console.log(`drain from the API under PM2: a fresh worker after ${Math.round(ms)} ms`);
  });
});

describe("pm2 reload of two web processes under a stream of submissions", () => {
  it("fails no submission: each is answered 201 (issue 16's rolling reload figure)", async () => {
    const base = `http://127.0.0.1:${env.PORT}`;
    const user = await createTestUser(ctx);
    const auth = `Basic ${Buffer.from(`${user.username}:${user.token}`).toString("base64")}`;
    // One connection per submission, as curl makes it (the old portal's clients). A client
    // that keeps connections alive may send on one the old process is closing (a reset):
    // such clients retry with an Idempotency-Key, as the runport client does.
    const post = (n: number) =>
      new Promise<{ status: number | string; ms: number }>((resolve) => {
        const started = performance.now();
        const body = JSON.stringify({
          pipeline: "hello@1.0.0",
          config: { name: `r${n}` },
          hold: true,
        });
        const request = http.request(
          `${base}/api/v1/runs`,
          {
            method: "POST",
            agent: false,
            headers: { authorization: auth, "content-type": "application/json" },
          },
          (response) => {
            response.resume();
            response.on("end", () =>
              resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }),
            );
          },
        );
        request.on("error", (error) =>
          resolve({ status: String(error), ms: performance.now() - started }),
        );
        request.end(body);
      });
    await until("the web processes to answer", 60_000, async () => (await post(0)).status === 201);
    const answers: { status: number | string; ms: number }[] = [];
    let reloading = true;
    const stream = (async () => {
      for (let n = 1; reloading; n++) answers.push(await post(n));
    })();
    const started = performance.now();
    await pm2("reload", "runport-web");
    const reloadMs = performance.now() - started;
    // PM2 is done once the new processes are online, before they listen: go on until the
    // new ones have answered for a while.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    reloading = false;
    await stream;
    const failed = answers.filter((a) => a.status !== 201);
    const slowest = Math.max(...answers.map((a) => a.ms));
    console.log(
      `rolling reload of 2 web processes: ${Math.round(reloadMs)} ms, ${answers.length} submissions, ${failed.length} failed, slowest ${Math.round(slowest)} ms`,
    );
    expect(answers.length).toBeGreaterThan(10);
    expect(failed).toEqual([]);
  });
});
