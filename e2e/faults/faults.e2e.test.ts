import { closeSync, mkdirSync, openSync, rmSync, writeSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Connection, RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { createUser } from "@/server/users/create-user";
import { startStack, type Stack } from "@/test/stack";
import {
  connect,
  readLog,
  submit,
  submitPaced,
  ticks,
  waitForRuns,
  watchHealth,
  type Answer,
  type RunFacts,
} from "./fault-probes";
import { startPrivateServices, type PrivateServices } from "./private-services";

// Real faults, on a MariaDB, a Redis and a runs folder of this file's own (never the
// machine's shared servers): the built web, worker and beat are pointed at them, and
// the test stops and starts them. One stack for all scenarios, one after the other:
// each outage lasts 30 s, as issue 10 asks.
const OUTAGE_MS = 30_000;
const PASSWORD = "faults-password-1";
const auth = `Basic ${Buffer.from(`fay:${PASSWORD}`).toString("base64")}`;
const figures: Record<string, unknown> = {};
const resultsDir = path.resolve("test-results/faults");

let services: PrivateServices;
let stack: Stack;
let databaseUrl: string;

beforeAll(async () => {
  services = await startPrivateServices({ runsDirSize: "2m" });
  databaseUrl = `${services.mariadb.url}/runport_faults`;
  stack = await startStack({
    databaseUrl,
    redisUrl: services.redis.url,
    redisPrefix: "faults",
    adminPassword: "faults-admin-password-1",
    logDir: path.join(resultsDir, "processes"),
    env: {
      PIPELINES_PATH: ["pipelines", "test/fixtures/pipelines", "e2e/faults/pipelines"]
        .map((p) => path.resolve(p))
        .join(":"),
      RUNS_DIR: services.runsDir.path,
      WORKER_CONCURRENCY: "4",
    },
  });
  const ctx = createAppContext({ ...loadConfig(stack.env), logLevel: "warn" }, "test");
  await createUser(ctx, { username: "fay", role: "submitter", password: PASSWORD });
  await ctx.close();
}, 240_000);

afterAll(async () => {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, "figures.json"), JSON.stringify(figures, null, 2));
  console.log("fault figures:", JSON.stringify(figures));
  await stack?.stop();
  await services?.remove();
}, 120_000);

/** A fresh connection to the database for each look (the server restarts in between). */
async function withDb<T>(look: (db: Connection) => Promise<T>): Promise<T> {
  const db = await connect(databaseUrl);
  try {
    return await look(db);
  } finally {
    await db.end();
  }
}

/** Submits a ticker run (a numbered line every 100 ms) and waits until it is running. */
async function startTicker(name: string, lines: number): Promise<void> {
  const response = await fetch(`${stack.baseUrl}/api/v1/runs`, {
    method: "POST",
    headers: { Authorization: auth, "Content-Type": "application/json" },
    body: JSON.stringify({ pipeline: "ticker", name, config: { lines, intervalMs: 100 } }),
  });
  expect(response.status).toBe(201);
  const deadline = Date.now() + 30_000;
  while ((await withDb((db) => statusOf(db, name))) !== "running") {
    if (Date.now() > deadline) throw new Error(`${name} did not start`);
    await sleep(200);
  }
  await sleep(1500); // some lines in the log before the fault
}

async function statusOf(db: Connection, name: string): Promise<string | undefined> {
  const [rows] = await db.query<RowDataPacket[]>("SELECT status FROM runs WHERE name = ?", [name]);
  return rows[0]?.status as string | undefined;
}

/** Every accepted submission is stored exactly once and ran exactly once; refused ones are not stored. */
function checkRuns(answers: Answer[], facts: RunFacts[]) {
  const accepted = new Set(answers.filter((a) => a.status === 201).map((a) => a.name));
  const byName = new Map<string, RunFacts[]>();
  for (const f of facts) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  const lost = [...accepted].filter((name) => !byName.has(name));
  const duplicated = [...byName.values()].filter((rows) => rows.length > 1).map((r) => r[0]!.name);
  const storedAfterRefusal = [...byName.keys()].filter((name) => !accepted.has(name));
  const ranTwice = facts.filter((f) => f.attempts > 1 || f.attempt > 1).map((f) => f.name);
  const partial = facts.filter((f) => f.events === 0).map((f) => f.name);
  const notSucceeded = facts.filter((f) => f.status !== "succeeded").map((f) => f.name);
  return { lost, duplicated, storedAfterRefusal, ranTwice, partial, notSucceeded };
}

function summarize(answers: Answer[]) {
  const byStatus: Record<string, number> = {};
  for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
  const maxMs = Math.round(Math.max(...answers.map((a) => a.ms)));
  const slowest = [...answers]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3)
    .map((a) => `${a.name} ${a.status} ${Math.round(a.ms)} ms`);
  return { requests: answers.length, byStatus, maxMs, slowest };
}

/** The ticker's log holds every line once, in order, with continuous offsets. */
async function checkTicker(name: string, lines: number) {
  const [facts] = await withDb((db) => waitForRuns(db, name, 1, 60_000));
  const log = await withDb((db) => readLog(db, facts!.id));
  const seen = ticks(log.text);
  return {
    status: facts!.status,
    attempts: facts!.attempts,
    lines: seen.length,
    inOrder: seen.every((n, i) => n === i + 1),
    continuous: log.continuous,
    complete: seen.length === lines,
  };
}

describe("faults on private servers", () => {
  it("MariaDB stopped for 30 s during 200 submissions (and restarted under a running run): 503 with Retry-After within 2 s, nothing lost or run twice, the run's log complete", async () => {
    await startTicker("fault-db-ticker", 450);
    const health = watchHealth(stack.baseUrl);
    // Each with an Idempotency-Key, as the docs ask of a client that retries a 503.
    const nameOf = (i: number) => `fault-db-n${String(i).padStart(3, "0")}`;
    const submissions = submitPaced(200, 250, (i) =>
      submit(stack.baseUrl, auth, nameOf(i), i % 2 === 1, nameOf(i)),
    );
    await sleep(4000);
    await services.mariadb.stop();
    await sleep(OUTAGE_MS);
    await services.mariadb.start();
    const answers = await submissions;
    const healthSeen = await health.stop();

    const refused = answers.filter((a) => a.status === 503);
    const summary = summarize(answers);
    const maxHealthMs = Math.round(Math.max(...healthSeen.map((h) => h.ms)));
    figures.mariadbOutage = { ...summary, maxHealthMs };
    expect(answers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
    expect(summary.byStatus["201"]).toBeGreaterThan(0);
    expect(answers.filter((a) => a.contract)).toEqual([]);
    for (const a of refused) {
      expect(a.contentType).toMatch(/^application\/problem\+json/);
      expect(a.code).toBe("SERVICE_UNAVAILABLE");
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    expect(summary.maxMs).toBeLessThan(2000);
    // Health says so, promptly, while the database is away.
    expect(maxHealthMs).toBeLessThan(3000);
    expect(healthSeen.some((h) => h.status === 503 && h.body.includes('"down"'))).toBe(true);

    // A 503 can, rarely, follow a COMMIT whose answer was lost as MariaDB went down (the
    // run is stored; docs/SECURITY.md): counted, then every refused one is sent again with
    // its key, as a client does after Retry-After. Each must be 201 (made now, or the
    // stored one replayed), and no name stored twice.
    const firstRound = checkRuns(
      answers,
      await withDb((db) => waitForRuns(db, "fault-db-n", summary.byStatus["201"] ?? 0, 120_000)),
    );
    const retried = await Promise.all(
      refused.map((a) => {
        const i = Number(a.name.slice(-3));
        return submit(stack.baseUrl, auth, a.name, i % 2 === 1, a.name);
      }),
    );
    expect(retried.filter((a) => a.status !== 201)).toEqual([]);
    const finalAnswers = [...answers.filter((a) => a.status === 201), ...retried];
    const accepted = finalAnswers.length;
    expect(accepted).toBe(200);
    const facts = await withDb((db) => waitForRuns(db, "fault-db-n", accepted, 120_000));
    const check = checkRuns(finalAnswers, facts);
    figures.mariadbRuns = {
      accepted,
      acceptedFirstTime: summary.byStatus["201"] ?? 0,
      storedAfter503BeforeRetry: firstRound.storedAfterRefusal.length,
      stored: facts.length,
      ...Object.fromEntries(Object.entries(check).map(([k, v]) => [k, v.length])),
    };
    expect(check).toEqual({
      lost: [],
      duplicated: [],
      storedAfterRefusal: [],
      ranTwice: [],
      partial: [],
      notSucceeded: [],
    });

    const ticker = await checkTicker("fault-db-ticker", 450);
    figures.mariadbRestartMidRun = ticker;
    expect(ticker).toEqual({
      status: "succeeded",
      attempts: 1,
      lines: 450,
      inOrder: true,
      continuous: true,
      complete: true,
    });
  }, 300_000);

  it("Redis stopped for 30 s: submissions are stored (201) at once and run after it returns, none twice", async () => {
    await startTicker("fault-redis-ticker", 450);
    const submissions = submitPaced(140, 300, (i) =>
      submit(stack.baseUrl, auth, `fault-redis-n${String(i).padStart(3, "0")}`, i % 2 === 1),
    );
    await sleep(3000);
    await services.redis.stop();
    await sleep(OUTAGE_MS);
    await services.redis.start();
    const answers = await submissions;

    const summary = summarize(answers);
    figures.redisOutage = summary;
    expect(summary.byStatus).toEqual({ "201": 140 });
    // The issue asks these to be stored and run later; none may hang. Each waits for Redis
    // at most ENQUEUE_WAIT_MS; a password check waited 500 ms more for a DEL until the limits
    // cleared it in memory (docs/notes/security-review-progress.md: 2.3 s once on CI then).
    expect(summary.maxMs).toBeLessThan(2000);

    const facts = await withDb((db) => waitForRuns(db, "fault-redis-n", 140, 120_000));
    const check = checkRuns(answers, facts);
    figures.redisRuns = {
      accepted: 140,
      stored: facts.length,
      ...Object.fromEntries(Object.entries(check).map(([k, v]) => [k, v.length])),
    };
    expect(check).toEqual({
      lost: [],
      duplicated: [],
      storedAfterRefusal: [],
      ranTwice: [],
      partial: [],
      notSucceeded: [],
    });
    const ticker = await checkTicker("fault-redis-ticker", 450);
    figures.redisMidRun = ticker;
    expect(ticker).toMatchObject({ status: "succeeded", attempts: 1, complete: true });
  }, 300_000);

  it("the runs folder full (a 2 MiB tmpfs): the attempt ends `error` with a sentence, the worker serves the next run", async (context) => {
    if (!services.runsDir.tmpfs) {
      context.skip(`no tmpfs for the runs folder: ${services.runsDir.reason}`);
      return;
    }
    const filler = path.join(services.runsDir.path, "filler");
    const fd = openSync(filler, "w");
    try {
      for (const chunk = Buffer.alloc(64 * 1024, 1); ;) writeSync(fd, chunk);
    } catch (error) {
      expect((error as { code?: string }).code).toBe("ENOSPC");
    } finally {
      closeSync(fd);
    }
    const full = await submit(stack.baseUrl, auth, "fault-disk-full", false);
    expect(full.status).toBe(201);
    const [failed] = await withDb((db) => waitForRuns(db, "fault-disk-full", 1, 60_000));
    figures.diskFull = { status: failed!.status, error: failed!.error };
    expect(failed).toMatchObject({ status: "error", attempts: 1 });
    expect(failed!.error).toMatch(/^could not start: No space left on device: /);

    rmSync(filler);
    const next = await submit(stack.baseUrl, auth, "fault-disk-after", false);
    expect(next.status).toBe(201);
    const [after] = await withDb((db) => waitForRuns(db, "fault-disk-after", 1, 60_000));
    expect(after!.status).toBe("succeeded");
    expect(stack.processes.worker!.exitCode).toBeNull();
  }, 120_000);

  it("web, worker and beat lived through it all", () => {
    for (const name of ["web", "worker", "beat"] as const)
      expect({ name, exitCode: stack.processes[name]!.exitCode }).toEqual({ name, exitCode: null });
  });
});
