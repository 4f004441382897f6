// Issue 10, gap 2: a MariaDB that answers nothing (frozen with SIGSTOP: its connections
// stay open, new ones are accepted by the kernel and never greeted) must not hold a
// request, a sign-in or the worker's claims. A private server of this file's own, never
// the machine's shared one, which every other test uses.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listRunsRoute } from "@/app/api/v1/runs/route";
import { withoutStatementBudget } from "@/db/client";
import { ensureDatabase } from "@/db/ensure-database";
import { migrateDatabase } from "@/db/migrate";
import { runAttempts } from "@/db/schema";
import { startMariadb } from "@/scripts/ops/mariadb";
import { privateServer, runningPid, stopServer } from "@/scripts/ops/private-server";
import { basicAuth, createTestContext, createTestUser, sessionToken } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { submit, waitForStatus } from "@/test/runs";
import { freePort } from "@/test/stack";
import { startWorker, type WorkerHandle } from "@/worker/start-worker";
import { SIGN_IN_UNAVAILABLE } from "@/lib/sign-in-error";
import { createAuthOptions } from "./auth/session";
import type { AppContext } from "./context";
import { getAppContext } from "./http/app-context";
import { jobIdFor } from "./queue/run-queue";
import { mayHaveLimits } from "./runs/run-limits";

const root = mkdtempSync(path.join(tmpdir(), "runport-frozen-db-"));
const server = privateServer(root, "mariadb");
let web: AppContext;
let pid: number;

/** SIGSTOP the private MariaDB for the duration of `during`, then SIGCONT, whatever happens. */
async function frozen<T>(during: () => Promise<T>): Promise<T> {
  process.kill(pid, "SIGSTOP");
  try {
    return await during();
  } finally {
    process.kill(pid, "SIGCONT");
  }
}

/** The response, or "hung" when none came within `ms`, and how long it took. */
async function timed(answer: Promise<Response>, ms = 6000) {
  const started = performance.now();
  const hung = new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), ms).unref());
  const response = await Promise.race([answer, hung]);
  answer.catch(() => undefined);
  return { response, ms: Math.round(performance.now() - started) };
}

beforeAll(async () => {
  const port = await freePort();
  await startMariadb(server, {
    scheme: "mysql",
    host: "127.0.0.1",
    port,
    user: "root",
    password: "",
  });
  pid = runningPid(server)!;
  const url = `mysql://root@127.0.0.1:${port}/runport_frozen`;
  await ensureDatabase(url);
  // The routes build the web's context from the environment, as in production.
  process.env.DATABASE_URL = url;
  web = getAppContext();
  await withoutStatementBudget(async () => {
    await migrateDatabase(web.db, web.config.migrationsDir);
    await registerPipelines(web);
  });
}, 120_000);

afterAll(async () => {
  await web?.queue.obliterate({ force: true }).catch(() => undefined);
  await web?.close();
  await stopServer(server);
  rmSync(root, { recursive: true, force: true });
}, 90_000);

describe("a frozen MariaDB (SIGSTOP)", () => {
  it("every request path answers 503 + Retry-After within 2 s (Basic password, token, session cookie, a cached credential), and 200 once it goes on", async () => {
    const [cached, byPassword, byToken, bySession] = await withoutStatementBudget(() =>
      Promise.all([1, 2, 3, 4].map(() => createTestUser(web))),
    );
    const list = (headers: Record<string, string>) =>
      callRoute(listRunsRoute, { path: "/api/v1/runs", headers });
    const cachedAuth = { Authorization: basicAuth(cached!.username, cached!.password) };
    expect((await list(cachedAuth)).status).toBe(200); // its credential is cached now
    const cookie = `next-auth.session-token=${await sessionToken(web, bySession!.principal.userId)}`;

    const answers = await frozen(() =>
      Promise.all([
        timed(list(cachedAuth)),
        timed(list({ Authorization: basicAuth(byPassword!.username, byPassword!.password) })),
        timed(list({ Authorization: `Bearer ${byToken!.token}` })),
        timed(list({ Cookie: cookie })),
      ]),
    );
    console.log("answers while frozen (ms):", answers.map((a) => a.ms).join(", "));
    const seen = await Promise.all(
      answers.map(async ({ response, ms }) =>
        response === "hung"
          ? { status: "hung", ms }
          : {
              status: response.status,
              type: response.headers.get("content-type"),
              retryAfter: response.headers.get("retry-after"),
              code: ((await response.json()) as { code?: string }).code,
              fast: ms < 2000,
            },
      ),
    );
    const unavailable = {
      status: 503,
      type: "application/problem+json; charset=utf-8",
      retryAfter: "5",
      code: "SERVICE_UNAVAILABLE",
      fast: true,
    };
    expect(seen).toEqual([unavailable, unavailable, unavailable, unavailable]);
    // The pool threw the frozen connections away: it answers again at once.
    expect((await list(cachedAuth)).status).toBe(200);
    expect((await list({ Cookie: cookie })).status).toBe(200);
  }, 60_000);

  it("the sign-in form's check fails within 2 s, and tells the form the database is away (no SQL in the page's URL)", async () => {
    const user = await withoutStatementBudget(() => createTestUser(web));
    const provider = createAuthOptions(web).providers[0] as unknown as {
      options: { authorize: (credentials: unknown, request: unknown) => Promise<unknown> };
    };
    const started = performance.now();
    const outcome = await frozen(() =>
      provider.options
        .authorize(
          { username: user.username, password: user.password },
          { headers: { "x-forwarded-for": "192.0.2.9" } },
        )
        .then(
          () => "signed in",
          (error: unknown) => (error as Error).message,
        ),
    );
    expect({ outcome, fast: performance.now() - started < 2000 }).toEqual({
      outcome: SIGN_IN_UNAVAILABLE,
      fast: true,
    });
  }, 30_000);

  it("the worker's claim gives up within its 5 s, the job waits, and after SIGCONT the run runs once (its lost claim taken up)", async () => {
    const runsDir = mkdtempSync(path.join(root, "runs-"));
    // No quota: the claim is the one transaction, sent to the frozen server and lost.
    const workerCtx = createTestContext({ runsDir, workerConcurrency: 1, userMaxRunning: 0 });
    let worker: WorkerHandle | undefined;
    try {
      const user = await withoutStatementBudget(() => createTestUser(web));
      const publicId = await withoutStatementBudget(() => submit(web, user.principal, "noop", {}));
      // Only noop: no pipeline limit, so the claim is its transaction and nothing else.
      const pipelines = (await registerPipelines(workerCtx)).filter((p) => p.name === "noop");
      // Open connections (a new one to a frozen server fails in 2 s, before anything is
      // sent): the claim's transaction reaches the server and waits there. And the users'
      // quota overrides are cached for 10 s.
      await mayHaveLimits(workerCtx, new Map());
      await workerCtx.runTransaction([{ sql: "SELECT 1", params: [] }]);
      await Promise.all([1, 2, 3, 4].map(() => workerCtx.db.execute(sql`SELECT SLEEP(0.1)`)));
      const jobId = jobIdFor(publicId, 1);
      const delayedAfterMs = await frozen(async () => {
        worker = startWorker(workerCtx, pipelines);
        const started = performance.now();
        let state = await web.queue.getJobState(jobId);
        while (state !== "delayed" && performance.now() - started < 8000) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          state = await web.queue.getJobState(jobId);
        }
        const ms = Math.round(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 1500)); // a second try meets it too
        return state === "delayed" ? ms : `still ${state}`;
      });
      console.log("claim given up, job delayed after (ms):", delayedAfterMs);
      expect(delayedAfterMs).toBeLessThan(6500);
      const run = await waitForStatus(workerCtx, publicId, ["succeeded", "error"], 40_000);
      expect({ status: run.status, attempt: run.attempt }).toEqual({
        status: "succeeded",
        attempt: 1,
      });
      const attempts = await workerCtx.db
        .select({ attempt: runAttempts.attempt })
        .from(runAttempts)
        .where(eq(runAttempts.runId, run.id));
      expect(attempts).toEqual([{ attempt: 1 }]);
    } finally {
      await worker?.stop();
      await workerCtx.close();
    }
  }, 90_000);
});
