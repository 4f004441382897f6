// Issue 16 item 6: `npm run doctor` says what is wrong with a deployment, each check with a
// time limit, against the real MariaDB and Redis of the tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "@/server/context";
import { writeWorkerHeartbeat } from "@/server/health/heartbeats";
import { GET as checksRoute } from "@/app/api/v1/operations/checks/route";
import { basicAuth, createTestContext, createTestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { getAppContext } from "../http/app-context";
import { runDoctor, type DoctorCheck } from "./doctor";

let ctx: AppContext;
let silent: Server;
let silentPort = 0;
const root = mkdtempSync(path.join(tmpdir(), "runport-doctor-"));

beforeAll(async () => {
  ctx = createTestContext({ runsDir: path.join(root, "runs") });
  mkdirSync(ctx.config.runsDir, { recursive: true });
  // A server that accepts connections and never says a word (a frozen MySQL or Redis).
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentPort = (silent.address() as { port: number }).port;
});

afterAll(async () => {
  await ctx.close();
  silent.close();
  rmSync(root, { recursive: true, force: true });
});

const byName = (checks: DoctorCheck[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

describe("npm run doctor", () => {
  it("finds a sound deployment sound, and a worker whose clock is 5 s ahead", async () => {
    await writeWorkerHeartbeat(ctx, {
      id: "skewed-worker",
      host: "elsewhere",
      pid: 1,
      concurrency: 1,
      running: [],
      startedAt: new Date().toISOString(),
      at: new Date(Date.now() + 5000).toISOString(),
    });
    const checks = byName(
      await runDoctor({
        ...ctx.config,
        publicUrl: "https://runport.example.org",
        trustProxy: true,
      }),
    );
    for (const name of [
      "database",
      "migrations",
      "redis",
      "pipelines",
      "runs folder",
      "public address",
      "slurm",
    ])
      expect(checks[name], name).toMatchObject({ status: "ok" });
    expect(checks.migrations!.summary).toMatch(/^(\d+) of \1 applied$/);
    expect(checks.clocks).toMatchObject({ status: "warn" });
    expect(checks.clocks!.summary).toMatch(/worker skewed-worker \+(49|50|51)\d\d ms/);
    await ctx.redis.del(ctx.keys.worker("skewed-worker"));
  });

  it("fails a frozen database and Redis within their time limits, and says what else it could not check", async () => {
    const started = Date.now();
    const checks = byName(
      await runDoctor({
        ...ctx.config,
        databaseUrl: `mysql://root@127.0.0.1:${silentPort}/runport`,
        redisUrl: `redis://127.0.0.1:${silentPort}`,
        publicUrl: "http://runport.example.org",
      }),
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(checks.database).toMatchObject({ status: "fail" });
    expect(checks.migrations).toMatchObject({
      status: "fail",
      summary: "not checked: the database does not answer",
    });
    expect(checks.redis).toMatchObject({ status: "fail" });
    expect(checks.clocks).toMatchObject({
      status: "fail",
      summary: "not checked: Redis does not answer",
    });
    expect(checks["public address"]!.summary).toMatch(/is not https/);
  });

  it("warns of Slurm pipelines over a local runs folder, and fails a broken pipeline definition", async () => {
    const pipelines = path.join(root, "pipelines");
    mkdirSync(path.join(pipelines, "on-slurm"), { recursive: true });
    writeFileSync(
      path.join(pipelines, "on-slurm", "pipeline.json"),
      JSON.stringify({
        name: "on-slurm",
        version: "1.0.0",
        title: "On Slurm",
        command: ["true"],
        executor: "slurm",
        schema: { type: "object" },
      }),
    );
    const slurm = byName(await runDoctor({ ...ctx.config, pipelinesPath: [pipelines] }));
    expect(slurm["runs folder"]!.status).toBe("warn");
    expect(slurm["runs folder"]!.summary).toMatch(
      /not on a shared filesystem, but 1 pipeline\(s\) run on Slurm/,
    );
    mkdirSync(path.join(pipelines, "broken"));
    writeFileSync(path.join(pipelines, "broken", "pipeline.json"), "{ not json");
    const broken = byName(await runDoctor({ ...ctx.config, pipelinesPath: [pipelines] }));
    expect(broken.pipelines).toMatchObject({ status: "fail" });
    expect(broken.pipelines!.summary).toMatch(/broken/);
  });

  it("runs on the operations page's request for admins only", async () => {
    const app = getAppContext();
    const admin = await createTestUser(app, "admin");
    const submitter = await createTestUser(app);
    const asAdmin = await callRoute(checksRoute, {
      path: "/api/v1/operations/checks",
      headers: { authorization: basicAuth(admin.username, admin.password) },
    });
    expect(asAdmin.status).toBe(200);
    const { checks } = (await asAdmin.json()) as { checks: DoctorCheck[] };
    expect(checks.map((c) => c.name)).toEqual([
      "database",
      "migrations",
      "redis",
      "pipelines",
      "runs folder",
      "public address",
      "slurm",
      "clocks",
    ]);
    expect(checks[0]).toMatchObject({ status: "ok" });
    const asSubmitter = await callRoute(checksRoute, {
      path: "/api/v1/operations/checks",
      headers: { authorization: basicAuth(submitter.username, submitter.password) },
    });
    expect(asSubmitter.status).toBe(403);
  });
});
