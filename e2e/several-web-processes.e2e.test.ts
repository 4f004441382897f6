import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startWebProcess } from "@/test/stack";
import { cli } from "./support/cli";

// Two web processes of one install (WEB_INSTANCES=2): the stack's web (`a`) and a second
// `next start` (`b`) on its own port, the same database and Redis prefix, so each request
// can be sent to the process the test chooses. What one process learns, the other must
// know at once: revocations, password guessing counts, live views, Idempotency-Keys.
const a = inject("baseUrl");
let b: string;
let stopB: () => Promise<void>;
const admin = `several-admin-${randomBytes(3).toString("hex")}`;
const adminAuth = `Basic ${Buffer.from(`${admin}:${admin}-password`).toString("base64")}`;

beforeAll(async () => {
  await cli("user", "create", admin, "--role", "admin", "--password", `${admin}-password`);
  const web = await startWebProcess(inject("stackEnv"), path.resolve("test-results/e2e-processes"));
  b = web.baseUrl;
  stopB = () => web.stop();
});

afterAll(async () => {
  await stopB?.();
});

const basic = (name: string, secret: string) =>
  `Basic ${Buffer.from(`${name}:${secret}`).toString("base64")}`;

/**
 * A submitter with a password and (unless `withToken` is false) an API token, made through
 * the API (the CLI is slower). Asking for the token with the password caches that password
 * on `a` as verified.
 */
async function newUser(
  withToken = true,
): Promise<{ name: string; password: string; token: string }> {
  const name = `several-${randomBytes(3).toString("hex")}`;
  const password = `${name}-password`;
  const post = (path: string, auth: string, body: object) =>
    fetch(`${a}${path}`, {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  const created = await post("/api/v1/users", adminAuth, { username: name, password });
  expect(created.status).toBe(201);
  if (!withToken) return { name, password, token: "" };
  const issued = await post("/api/v1/tokens", basic(name, password), { name: "several" });
  expect(issued.status).toBe(201);
  const { token } = (await issued.json()) as { token: string };
  return { name, password, token };
}

/** A browser session on `baseUrl` through next-auth's sign-in form post: its cookie header. */
async function signIn(baseUrl: string, name: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
    body: new URLSearchParams({ csrfToken, username: name, password, json: "true" }),
  });
  const session = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("next-auth.session-token="));
  expect(session).toBeDefined();
  return session!;
}

const getRuns = (baseUrl: string, headers: Record<string, string>) =>
  fetch(`${baseUrl}/api/v1/runs?limit=1`, { headers, redirect: "manual" }).then((r) => r.status);

describe("two web processes share what they know (issue 12, item 5)", () => {
  it("refuse a user disabled through one process at once on the other: session, token and password", async () => {
    const user = await newUser();
    const session = { Cookie: await signIn(b, user.name, user.password) };
    const token = { Authorization: basic(user.name, user.token) };
    const password = { Authorization: basic(user.name, user.password) };
    // Each is now cached on b (credentials for AUTH_CACHE_SECONDS, the session's user 10 s).
    for (const headers of [session, token, password]) expect(await getRuns(b, headers)).toBe(200);

    const disabled = await fetch(`${a}/api/v1/users/${user.name}`, {
      method: "PATCH",
      headers: { Authorization: adminAuth, "Content-Type": "application/json" },
      body: JSON.stringify({ disabled: true }),
    });
    expect(disabled.status).toBe(200);
    const since = Date.now();
    let refused: number[] = [];
    do {
      refused = await Promise.all([session, token, password].map((h) => getRuns(b, h)));
    } while (refused.some((status) => status === 200) && Date.now() - since < 1000);
    expect(refused).toEqual([401, 401, 401]);
  });

  it("count password guesses made on both against one limit", async () => {
    const user = await newUser(false); // its password never checked yet
    // An address of this test's own (no proxy is trusted: the client's header is taken).
    const from = { "X-Forwarded-For": `198.51.100.${1 + Math.floor(Math.random() * 250)}` };
    const guess = (baseUrl: string, secret: string) =>
      fetch(`${baseUrl}/api/v1/runs?limit=1`, {
        headers: { ...from, Authorization: basic(user.name, secret) },
      });
    // Five failures for (name, address), alternating processes: the limit is five.
    for (let i = 0; i < 5; i++) expect((await guess(i % 2 ? b : a, `wrong-${i}`)).status).toBe(401);
    // Now even the right password waits, on either process.
    for (const baseUrl of [a, b]) {
      const answer = await guess(baseUrl, user.password);
      expect(answer.status).toBe(429);
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  });

  it("count a user's live views on both against one limit, and free one when its client leaves", async () => {
    const user = await newUser();
    const auth = { Authorization: basic(user.name, user.token) };
    const created = await fetch(`${a}/api/v1/runs`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ pipeline: "hello@1.0.0", config: { name: "x" }, hold: true }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const views: AbortController[] = [];
    const follow = async (baseUrl: string) => {
      const controller = new AbortController();
      const response = await fetch(`${baseUrl}/api/v1/runs/${id}/logs`, {
        headers: { ...auth, Accept: "text/event-stream" },
        signal: controller.signal,
      });
      if (response.status === 200) {
        views.push(controller);
        await response.body!.getReader().read(); // the first event: the stream is open
      } else await response.body?.cancel();
      return { status: response.status, controller };
    };
    try {
      // Ten on each process: twenty, the limit per user.
      for (let i = 0; i < 20; i++) expect((await follow(i % 2 ? b : a)).status).toBe(200);
      expect((await follow(a)).status).toBe(409);
      expect((await follow(b)).status).toBe(409);
      views.shift()!.abort(); // a view on `a` ends: its slot is free for `b` at once
      let again = 0;
      const since = Date.now();
      do again = (await follow(b)).status;
      while (again !== 200 && Date.now() - since < 2000);
      expect(again).toBe(200);
    } finally {
      for (const view of views) view.abort();
    }
  });

  it("answer the same Idempotency-Key sent to both at once with one run", async () => {
    const user = await newUser();
    for (let round = 0; round < 5; round++) {
      const key = `several-${round}-${randomBytes(4).toString("hex")}`;
      const submit = (baseUrl: string) =>
        fetch(`${baseUrl}/api/v1/runs`, {
          method: "POST",
          headers: {
            Authorization: basic(user.name, user.token),
            "Content-Type": "application/json",
            "Idempotency-Key": key,
          },
          body: JSON.stringify({
            pipeline: "hello@1.0.0",
            name: key,
            config: { name: "x" },
            hold: true,
          }),
        });
      const answers = await Promise.all([submit(a), submit(b)]);
      const runs = (await Promise.all(answers.map((r) => r.json()))) as { id: string }[];
      expect(answers.map((r) => r.status).sort()).toEqual([200, 201]);
      expect(runs[0]!.id).toBe(runs[1]!.id);
    }
    // One run a key, nothing more stored.
    const listed = await fetch(`${a}/api/v1/runs?user=${user.name}&limit=50`, {
      headers: { Authorization: adminAuth },
    });
    expect(((await listed.json()) as { items: unknown[] }).items).toHaveLength(5);
  });
});
