import { execFile, spawn, type ChildProcess } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestResources, type TestResources } from "@/test/resources";
import { freePort, requireBuild } from "@/test/stack";

// Two checkouts of Runport on one machine, each started with `npm start` as `npm run up`
// does (pm2-runtime, ecosystem.config.js): stopping one with Ctrl-C must leave the other
// running. Each checkout is a folder with its own process file and data folder (.data/pm2
// among it) that links to this build, as a second clone would have its own.
const exec = promisify(execFile);
const ROOT = path.resolve(".");

interface Checkout {
  dir: string;
  port: number;
  resources: TestResources;
  npm?: ChildProcess;
}
const checkouts: Checkout[] = [];

async function makeCheckout(): Promise<Checkout> {
  const dir = mkdtempSync(path.join(tmpdir(), "runport-checkout-"));
  mkdirSync(path.join(dir, "scripts"));
  for (const file of [
    "package.json",
    "ecosystem.config.js",
    "next.config.js",
    "scripts/start.cjs",
    "scripts/next-start.cjs",
  ])
    copyFileSync(path.join(ROOT, file), path.join(dir, file));
  for (const link of ["node_modules", ".next", "dist"])
    symlinkSync(path.join(ROOT, link), path.join(dir, link));
  const checkout = { dir, port: await freePort(), resources: await createTestResources() };
  checkouts.push(checkout);
  return checkout;
}

function start(checkout: Checkout, env: Record<string, string> = {}): void {
  const { dir, port, resources } = checkout;
  mkdirSync(path.join(dir, ".data"), { recursive: true });
  const log = openSync(path.join(dir, ".data/npm-start.log"), "a");
  // Its own process group, as a terminal gives each foreground command.
  checkout.npm = spawn("npm", ["start"], {
    cwd: dir,
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      NODE_ENV: "production",
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      DATABASE_URL: resources.databaseUrl,
      REDIS_URL: resources.redisUrl,
      REDIS_PREFIX: resources.redisPrefix,
      AUTH_SECRET: "two-checkouts-secret-two-checkouts-secret",
      PIPELINES_PATH: path.join(ROOT, "pipelines"),
      MIGRATIONS_DIR: path.join(ROOT, "db/migrations"),
      RUNS_DIR: path.join(dir, ".data/runs"),
      PORT: String(port),
      BEAT_INTERVAL_SECONDS: "2",
      WORKER_DRAIN_SECONDS: "1",
      LOG_LEVEL: "warn",
      ...env,
    },
  });
}

/** Ctrl-C in the checkout's terminal: SIGINT to its whole process group. False if it hangs. */
async function stop(checkout: Checkout): Promise<boolean> {
  const npm = checkout.npm;
  if (!npm?.pid || npm.exitCode !== null || npm.signalCode !== null) return true;
  const exited = new Promise((resolve) => npm.once("exit", () => resolve(true)));
  process.kill(-npm.pid, "SIGINT");
  if (
    await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(false), 20_000))])
  )
    return true;
  process.kill(-npm.pid, "SIGKILL");
  return false;
}

async function health(port: number): Promise<{ ok: boolean; workers: number; beat: boolean }> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/health`, {
      signal: AbortSignal.timeout(3000),
    });
    const body = (await response.json()) as {
      workers: { count: number };
      beat: { active: boolean };
    };
    return { ok: response.ok, workers: body.workers.count, beat: body.beat.active };
  } catch {
    return { ok: false, workers: 0, beat: false };
  }
}

async function until(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The apps of a checkout's PM2 (its .data/pm2): name, status, restarts. */
async function pm2Apps(checkout: Checkout) {
  const { stdout } = await exec(path.join(ROOT, "node_modules/.bin/pm2"), ["jlist"], {
    env: { ...process.env, PM2_HOME: path.join(checkout.dir, ".data/pm2") },
  });
  const list = JSON.parse(stdout) as {
    name: string;
    pm2_env: { status: string; restart_time: number };
  }[];
  return list.map((app) => ({
    name: app.name,
    status: app.pm2_env.status,
    restarts: app.pm2_env.restart_time,
  }));
}

const healthy = (port: number) => async () => {
  const h = await health(port);
  return h.ok && h.workers > 0 && h.beat;
};

beforeAll(() => requireBuild());

afterAll(async () => {
  for (const checkout of checkouts) {
    await stop(checkout).catch(() => undefined);
    await checkout.resources.remove();
    rmSync(checkout.dir, { recursive: true, force: true });
  }
});

describe("two checkouts on one machine", () => {
  it("each runs its own PM2 with its own app names; Ctrl-C in one leaves the other running", async () => {
    const [first, second] = [await makeCheckout(), await makeCheckout()];
    // The first with two web processes on its port (PM2's cluster mode under pm2-runtime).
    start(first, { WEB_INSTANCES: "2" });
    start(second);
    const logs = () =>
      checkouts
        .map((c) => readFileSync(path.join(c.dir, ".data/npm-start.log"), "utf8"))
        .join("\n---\n");
    await until(
      "both checkouts to be healthy",
      60_000,
      async () => (await healthy(first.port)()) && (await healthy(second.port)()),
    ).catch((error: unknown) => {
      console.log(logs());
      throw error;
    });

    const firstApps = await pm2Apps(first);
    const secondApps = await pm2Apps(second);
    expect(firstApps).toHaveLength(4);
    expect(firstApps.filter((a) => a.name.endsWith("-web"))).toHaveLength(2);
    expect(secondApps).toHaveLength(3);
    expect(firstApps.every((a) => a.status === "online" && a.restarts === 0)).toBe(true);
    // No name in common: even under one PM2 daemon they would not touch each other.
    const names = new Set(firstApps.map((a) => a.name));
    expect(secondApps.filter((a) => names.has(a.name))).toEqual([]);

    expect(await stop(second)).toBe(true);
    expect((await health(second.port)).ok).toBe(false);
    expect(await healthy(first.port)()).toBe(true);
    expect(await pm2Apps(first)).toEqual(firstApps); // same apps, online, not restarted
  });
});
