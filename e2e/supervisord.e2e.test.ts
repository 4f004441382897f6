import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runAttempts, runs } from "@/db/schema";
import { createAppContext, type AppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { createTestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { createTestResources, type TestResources } from "@/test/resources";
import { submit } from "@/test/runs";
import { freePort, requireBuild } from "@/test/stack";
import { drainAndAwaitSuccessor } from "./support/drain";

// Debian's supervisord running the committed deploy/supervisord/runport.conf (its folder,
// port, user and log folder replaced) on a database and Redis prefix of its own: the three
// processes start, `supervisorctl restart runport-worker` in the middle of runs loses none,
// and `supervisorctl stop runport-worker` waits for the worker's drain.
const exec = promisify(execFile);
const CONF = path.resolve("deploy/supervisord/runport.conf");
let resources: TestResources;
let ctx: AppContext;
let dir: string;
let port: number;
let supervisord: ChildProcess | undefined;

function supervisorctl(...args: string[]) {
  return exec("supervisorctl", ["-c", path.join(dir, "supervisord.conf"), ...args]);
}

async function until(what: string, ms: number, probe: () => Promise<boolean>) {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) {
      const logs = ["web", "worker", "beat"].map((p) => `${p}.log`);
      const { stdout } = await exec("tail", ["-n", "20", ...logs.map((l) => path.join(dir, l))]);
      throw new Error(`timed out waiting for ${what}\n${stdout}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const health = () =>
  fetch(`http://127.0.0.1:${port}/api/health`)
    .then((r) => r.json() as Promise<{ workers: { count: number }; beat: { active: boolean } }>)
    .catch(() => undefined);

beforeAll(async () => {
  requireBuild();
  resources = await createTestResources();
  dir = mkdtempSync(path.join(tmpdir(), "runport-supervisord-"));
  port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    DATABASE_URL: resources.databaseUrl,
    REDIS_URL: resources.redisUrl,
    REDIS_PREFIX: resources.redisPrefix,
    AUTH_SECRET: "supervisord-secret-supervisord-secret-42",
    ADMIN_PASSWORD: "supervisord-admin-password-1",
    PIPELINES_PATH: path.resolve("pipelines"),
    RUNS_DIR: path.join(dir, "runs"),
    BEAT_INTERVAL_SECONDS: "2",
    CANCEL_GRACE_SECONDS: "1",
    WORKER_DRAIN_SECONDS: "2",
    WORKER_CONCURRENCY: "4",
    LOG_LEVEL: "info",
  };
  ctx = createAppContext({ ...loadConfig(env), logLevel: "warn" }, "test");
  await registerPipelines(ctx, [path.resolve("pipelines")]);
  const replacements: [string, string][] = [
    ["directory=/opt/runport", `directory=${process.cwd()}`],
    ["user=runport", `user=${userInfo().username}`],
    ["--port 3000", `--port ${port}`],
    ["/var/log/runport", dir],
  ];
  let site = readFileSync(CONF, "utf8");
  for (const [from, to] of replacements) {
    if (!site.includes(from)) throw new Error(`${CONF} no longer contains "${from}"`);
    site = site.replaceAll(from, to);
  }
  writeFileSync(path.join(dir, "runport.conf"), site);
  // Debian's /etc/supervisor/supervisord.conf, with paths of this test's own.
  writeFileSync(
    path.join(dir, "supervisord.conf"),
    [
      "[unix_http_server]",
      `file=${dir}/supervisor.sock`,
      "chmod=0700",
      "[supervisord]",
      `logfile=${dir}/supervisord.log`,
      `pidfile=${dir}/supervisord.pid`,
      `childlogdir=${dir}`,
      "nodaemon=true",
      "[rpcinterface:supervisor]",
      "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
      "[supervisorctl]",
      `serverurl=unix://${dir}/supervisor.sock`,
      "[include]",
      `files = ${dir}/runport.conf`,
    ].join("\n"),
  );
  // The processes take their settings from supervisord's environment here (.env in production).
  supervisord = spawn("supervisord", ["-c", path.join(dir, "supervisord.conf")], {
    env: env as NodeJS.ProcessEnv,
    stdio: "ignore",
  });
  await until("web, worker and beat to be up", 120_000, async () => {
    const h = await health();
    return !!h && h.workers.count > 0 && h.beat.active;
  });
}, 180_000);

afterAll(async () => {
  if (supervisord && supervisord.exitCode === null) {
    const exited = new Promise((resolve) => supervisord!.once("exit", resolve));
    await supervisorctl("shutdown").catch(() => supervisord!.kill("SIGTERM"));
    await exited;
  }
  await ctx?.close();
  await resources?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function statuses(ids: string[]) {
  return ctx.db
    .select({ id: runs.id, publicId: runs.publicId, status: runs.status, attempt: runs.attempt })
    .from(runs)
    .where(inArray(runs.publicId, ids));
}

const allAre = (ids: string[], status: string) => async () =>
  (await statuses(ids)).every((r) => r.status === status);

describe("supervisord with deploy/supervisord/runport.conf", () => {
  it("runs the three processes", async () => {
    // STARTING until each has stayed up for its startsecs: ask until all three are RUNNING.
    await vi.waitFor(
      async () => {
        const { stdout } = await supervisorctl("status");
        for (const name of ["runport-web", "runport-worker", "runport-beat"])
          expect(stdout).toMatch(new RegExp(`^${name}\\s+RUNNING`, "m"));
      },
      { timeout: 30_000, interval: 500 },
    );
  });

  it("`supervisorctl restart runport-worker` during runs loses nothing", async () => {
    const { principal } = await createTestUser(ctx);
    const short = await submit(ctx, principal, "hello", { name: "s", sleepSeconds: 1, steps: 1 });
    const long = await submit(ctx, principal, "hello", { name: "l", sleepSeconds: 8, steps: 4 });
    const ids = [short, long];
    await until("both runs to start", 30_000, allAre(ids, "running"));

    const since = Date.now();
    await supervisorctl("restart", "runport-worker");
    const restartMs = Date.now() - since;
    await until("both runs to succeed", 90_000, allAre(ids, "succeeded"));
    const rows = await statuses(ids);
    expect(rows.find((r) => r.publicId === short)?.attempt).toBe(1); // drained, not cut
    expect(rows.find((r) => r.publicId === long)?.attempt).toBe(2); // handed back, run again
    const attempts = await ctx.db
      .select()
      .from(runAttempts)
      .where(eq(runAttempts.runId, rows.find((r) => r.publicId === long)!.id))
      .orderBy(asc(runAttempts.attempt));
    expect(attempts.map((a) => a.outcome)).toEqual(["queued", "succeeded"]);
    expect(attempts[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(
      attempts[0]!.finishedAt!.getTime(),
    );
    const resumedMs = attempts[1]!.startedAt.getTime() - since;
    console.log(
      `supervisorctl restart runport-worker: ${restartMs} ms (drain + start); ` +
        `the handed-back run started again ${resumedMs} ms after the restart began`,
    );
  });

  it("a worker drained from the operations page's API exits, and supervisord starts a fresh one", async () => {
    const admin = await createTestUser(ctx, "admin");
    const auth = `Basic ${Buffer.from(`${admin.username}:${admin.token}`).toString("base64")}`;
    const { drained, successor, ms } = await drainAndAwaitSuccessor(
      `http://127.0.0.1:${port}`,
      auth,
    );
    expect(successor).not.toBe(drained);
    // Its heartbeat says it works; supervisord says RUNNING once its startsecs have passed.
    expect((await supervisorctl("status", "runport-worker")).stdout).toMatch(/STARTING|RUNNING/);
    console.log(`drain from the API under supervisord: a fresh worker after ${Math.round(ms)} ms`);
  });

  it("`supervisorctl stop runport-worker` waits until the worker drained its run", async () => {
    const { principal } = await createTestUser(ctx);
    const run = await submit(ctx, principal, "hello", { name: "d", sleepSeconds: 1.5, steps: 1 });
    await until("the run to start", 30_000, allAre([run], "running"));
    await supervisorctl("stop", "runport-worker");
    // stop returned once the worker exited, which it did after the run ended (drained).
    const [row] = await statuses([run]);
    expect(row).toMatchObject({ status: "succeeded", attempt: 1 });
    expect(
      (await supervisorctl("status", "runport-worker").catch((e: { stdout: string }) => e)).stdout,
    ).toMatch(/STOPPED/);
  });
});
