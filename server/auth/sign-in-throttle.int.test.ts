import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as changePasswordRoute } from "@/app/api/v1/account/password/route";
import { POST as postNewRun } from "@/app/api/v1/new-run/route";
import { GET as listTokens } from "@/app/api/v1/tokens/route";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { createRedis, redisOptions } from "@/server/redis";
import { freePort } from "@/test/stack";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { SignInThrottle } from "./sign-in-throttle";

let ctx: AppContext;

beforeAll(async () => {
  ctx = getAppContext();
  await ctx.signInThrottle.connected(); // the limits are in Redis from the first attempt
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

/** An address of the documentation range, new for each test (the limits key on it). */
const address = () => `198.51.${randomBytes(1)[0]}.${randomBytes(1)[0]! % 250}`;

/** An API call with Basic username:password from an address (as `next start` passes it). */
const call = (username: string, password: string, from: string) =>
  callRoute(listTokens, {
    path: "/api/v1/tokens",
    headers: { Authorization: basicAuth(username, password), "X-Forwarded-For": from },
  });

async function failTimes(user: TestUser, times: number, from: string): Promise<void> {
  for (let i = 0; i < times; i++)
    expect((await call(user.username, "wrong", from)).status).toBe(401);
}

describe("password guessing limits (issue 10, finding 3)", () => {
  it("the sixth wrong password answers 429 with Retry-After, the right one too, on new-run/ as well", async () => {
    const user = await createTestUser(ctx);
    const from = address();
    await failTimes(user, 5, from);
    const refused = await call(user.username, user.password, from);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(59);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({ status: 429, code: "RATE_LIMITED" });
    const newRun = await callRoute(postNewRun, {
      method: "POST",
      path: "/api/v1/new-run/",
      headers: {
        Authorization: basicAuth(user.username, user.password),
        "X-Forwarded-For": from,
        "Content-Type": "application/json",
      },
      body: "{}",
    });
    expect(newRun.status).toBe(429);
    expect(newRun.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("a wrong password from one address does not lock the user out at another", async () => {
    const user = await createTestUser(ctx);
    const attacker = address();
    await failTimes(user, 5, attacker);
    expect((await call(user.username, "wrong", attacker)).status).toBe(429);
    expect((await call(user.username, user.password, attacker)).status).toBe(429);
    expect((await call(user.username, user.password, address())).status).toBe(200);
  });

  it("counts an IPv6 client by its /64: a fresh address of the same network is no fresh start", async () => {
    const user = await createTestUser(ctx);
    const network = `2001:db8:${randomBytes(2).toString("hex")}:1`;
    await failTimes(user, 5, `${network}::a`);
    expect((await call(user.username, user.password, `${network}::b`)).status).toBe(429);
    expect((await call(user.username, user.password, "2001:db8:ffff:2::b")).status).toBe(200);
  });

  it("a success clears the (name, address) count", async () => {
    const user = await createTestUser(ctx);
    const from = address();
    await failTimes(user, 4, from);
    expect((await call(user.username, user.password, from)).status).toBe(200);
    ctx.caches.credentials.forgetUser(user.principal.userId); // check the password again
    await failTimes(user, 4, from);
    expect((await call(user.username, user.password, from)).status).toBe(200);
  });

  it("counts an attempt before its password is checked: parallel guesses do not slip through", async () => {
    const user = await createTestUser(ctx);
    const from = address();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => call(user.username, "wrong", from).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(6);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(14);
  });

  it("refuses an address that sprays wrong passwords over 50 names, for every name", async () => {
    const user = await createTestUser(ctx);
    const sprayer = address();
    for (let i = 0; i < 50; i++) {
      expect(
        (await call(`nobody-${i}-${randomBytes(3).toString("hex")}`, "x", sprayer)).status,
      ).toBe(401);
    }
    const refused = await call(user.username, user.password, sprayer);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3000);
    expect((await call(user.username, user.password, address())).status).toBe(200);
  });

  it("slows down guessing one name from many addresses, never blocks it, and lets known addresses in", async () => {
    const user = await createTestUser(ctx);
    const home = address();
    expect((await call(user.username, user.password, home)).status).toBe(200);
    ctx.caches.credentials.forgetUser(user.principal.userId);
    for (let i = 0; i < 10; i++) await failTimes(user, 1, address());
    // The name's attempts are now one per second (doubling with failures), from anywhere new...
    const slowed = await call(user.username, user.password, address());
    expect(slowed.status).toBe(429);
    expect(slowed.headers.get("retry-after")).toBe("1");
    // ...but not from where the user signed in before, nor a moment later.
    expect((await call(user.username, user.password, home)).status).toBe(200);
    ctx.caches.credentials.forgetUser(user.principal.userId);
    await sleep(1100);
    expect((await call(user.username, user.password, address())).status).toBe(200);
  });

  it("refuses the sixth wrong current password of a password change with 429", async () => {
    const user = await createTestUser(ctx);
    const change = (currentPassword: string) =>
      callRoute(changePasswordRoute, {
        method: "POST",
        path: "/api/v1/account/password",
        headers: {
          Authorization: basicAuth(user.username, user.token),
          "Content-Type": "application/json",
          "X-Forwarded-For": "192.0.2.99",
        },
        body: JSON.stringify({ currentPassword, newPassword: "a-new-password-42" }),
      });
    for (let i = 0; i < 5; i++) expect((await change("wrong-password")).status).toBe(422);
    const refused = await change(user.password);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("costs the same for an unknown name as for a wrong password", async () => {
    const user = await createTestUser(ctx);
    const time = async (username: string) => {
      const started = performance.now();
      expect((await call(username, "wrong-password", address())).status).toBe(401);
      return performance.now() - started;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      wrong.push(await time(user.username));
      unknown.push(await time(`nobody-${randomBytes(4).toString("hex")}`));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[3]!;
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe("SignInThrottle while Redis is unreachable", () => {
  it("keeps the same limits in this process's memory", async () => {
    const redis = createRedis("redis://127.0.0.1:1", "command", "runport-test-dead");
    redis.on("error", () => undefined);
    const throttle = new SignInThrottle(redis, "dead");
    const attempt = { subject: "alice", address: "192.0.2.1" };
    try {
      for (let i = 0; i < 5; i++) {
        const admission = await throttle.admit(attempt);
        if (!admission.admitted) throw new Error(`attempt ${i + 1} refused`);
        await throttle.failed(admission.ticket);
      }
      expect(await throttle.admit(attempt)).toMatchObject({ admitted: false });
      expect(await throttle.admit({ ...attempt, address: "192.0.2.2" })).toMatchObject({
        admitted: true,
      });
    } finally {
      redis.disconnect();
    }
  });

  // Issue 10, gap 4: during the fault test's Redis outage a right password cost 500 ms
  // more: the pair's record was cleared with DEL, which rate-limiter-flexible sends whatever
  // the connection's state, and which waited for the 500 ms command timeout.
  it("a right password waits for nothing while Redis is down", async () => {
    const redis = new Redis("redis://127.0.0.1:1", {
      ...redisOptions("command"),
      commandTimeout: 500, // as the context's limits connection (server/context.ts)
    });
    redis.on("error", () => undefined);
    const throttle = new SignInThrottle(redis, "down");
    const attempt = { subject: "alice", address: "192.0.2.4" };
    try {
      const timings: number[] = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const admission = await throttle.admit(attempt);
        if (!admission.admitted) throw new Error(`attempt ${i + 1} refused`);
        if (i === 0) await throttle.failed(admission.ticket);
        else await throttle.succeeded(admission.ticket);
        timings.push(performance.now() - started);
      }
      expect(Math.max(...timings)).toBeLessThan(100);
      // The success cleared the pair's count in memory, as it would in Redis.
      const after = await throttle.admit(attempt);
      expect(after).toMatchObject({ admitted: true, ticket: { pairFailures: 1 } });
    } finally {
      redis.disconnect();
    }
  });

  it("answers within a second when Redis freezes (connection open, no answer)", async () => {
    const port = await freePort();
    const server = spawn(
      "redis-server",
      ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"],
      {
        stdio: "ignore",
      },
    );
    const limits = new Redis(`redis://127.0.0.1:${port}`, {
      ...redisOptions("command"),
      commandTimeout: 500, // as the context's limits connection (server/context.ts)
    });
    limits.on("error", () => undefined);
    try {
      await expect.poll(() => limits.ping().catch(() => null), { timeout: 10_000 }).toBe("PONG");
      const throttle = new SignInThrottle(limits, "frozen");
      const attempt = { subject: "alice", address: "192.0.2.3" };
      const first = await throttle.admit(attempt);
      expect(first.admitted).toBe(true);
      process.kill(server.pid!, "SIGSTOP"); // the connection stays "ready"
      const started = Date.now();
      const admission = await throttle.admit(attempt);
      if (admission.admitted) await throttle.failed(admission.ticket);
      expect(admission.admitted).toBe(true);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      process.kill(server.pid!, "SIGCONT");
      server.kill("SIGKILL");
      limits.disconnect();
    }
  });
});
