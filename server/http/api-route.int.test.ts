// Issue 10, finding 4: a browser's cross-site request is refused whatever its credentials
// (a Basic prompt's cached credentials ride along with another site's form), and a browser
// never gets a Basic challenge from the API. curl and scripts are not concerned.
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs } from "@/db/schema";
import { POST as nextAuthPost } from "@/app/api/auth/[...nextauth]/route";
import { POST as newRunRoute } from "@/app/api/v1/new-run/route";
import { POST as cancelRoute } from "@/app/api/v1/runs/[id]/cancel/route";
import { GET as logsRoute } from "@/app/api/v1/runs/[id]/logs/route";
import { GET as getRunRoute } from "@/app/api/v1/runs/[id]/route";
import { POST as submitRoute } from "@/app/api/v1/runs/route";
import type { AppContext } from "@/server/context";
import { basicAuth, createTestUser, sessionToken, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { getAppContext } from "./app-context";

let ctx: AppContext;
let alice: TestUser;
let heldRun: string;

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  alice = await createTestUser(ctx);
  heldRun = await submit(ctx, alice.principal, "hello", { name: "x" }, { hold: true });
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

async function runsOfAlice(): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(runs)
    .where(eq(runs.userId, alice.principal.userId));
  return row?.n ?? 0;
}

/** What Chromium sends with a form another site auto-submits, after a Basic prompt here. */
const crossSiteForm = (extra: Record<string, string> = {}) => ({
  Host: "runport.test",
  Origin: "http://evil.example",
  "Sec-Fetch-Site": "cross-site",
  "Sec-Fetch-Mode": "navigate",
  "Sec-Fetch-Dest": "document",
  Authorization: basicAuth(alice.username, alice.password),
  ...extra,
});

const legacyBody = JSON.stringify({ pipeline: "hello", project: "csrf", name: "x" });

describe("a browser's cross-site request with cached Basic credentials", () => {
  it.each([
    ["a cross-site form", () => crossSiteForm()],
    [
      "a same-site page",
      () => crossSiteForm({ Origin: "http://other.runport.test", "Sec-Fetch-Site": "same-site" }),
    ],
    [
      "another Origin without Sec-Fetch-Site",
      () => ({
        Host: "runport.test",
        Origin: "http://evil.example",
        Authorization: basicAuth(alice.username, alice.token),
      }),
    ],
    [
      "an opaque Origin (sandboxed frame)",
      () => ({
        Host: "runport.test",
        Origin: "null",
        Authorization: basicAuth(alice.username, alice.token),
      }),
    ],
  ])("is refused with 403 and creates nothing: %s", async (_, makeHeaders) => {
    const headers = makeHeaders();
    const before = await runsOfAlice();
    for (const contentType of ["text/plain", "application/json"]) {
      const response = await callRoute(newRunRoute, {
        method: "POST",
        path: "/api/v1/new-run/",
        headers: { ...headers, "Content-Type": contentType },
        body: legacyBody,
      });
      expect(response.status).toBe(403);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(((await response.json()) as { detail: string }).detail).toMatch(/Cross-site/);
    }
    const viaRuns = await callRoute(submitRoute, {
      method: "POST",
      path: "/api/v1/runs",
      headers: { ...headers, "Content-Type": "text/plain" },
      body: JSON.stringify({ pipeline: "hello", config: { name: "x" } }),
    });
    expect(viaRuns.status).toBe(403);
    expect(await runsOfAlice()).toBe(before);
  });

  it("cannot cancel a run either", async () => {
    const response = await callRoute(cancelRoute, {
      method: "POST",
      path: `/api/v1/runs/${heldRun}/cancel`,
      headers: crossSiteForm({ "Content-Type": "text/plain" }),
      body: "",
      params: { id: heldRun },
    });
    expect(response.status).toBe(403);
    expect((await getRunRow(ctx, heldRun)).status).toBe("held");
  });

  it("is refused by next-auth's routes too (sign-in, sign-out)", async () => {
    const request = new Request("http://runport.test/api/auth/signout", {
      method: "POST",
      headers: crossSiteForm({ "Content-Type": "application/x-www-form-urlencoded" }),
      body: "csrfToken=x",
    });
    const response = await nextAuthPost(request, {
      params: Promise.resolve({ nextauth: ["signout"] }),
    });
    expect(response.status).toBe(403);
  });
});

describe("requests that are not a browser's cross-site request", () => {
  it("curl's old contract still works: Basic, no Origin, no Sec-Fetch-*", async () => {
    const before = await runsOfAlice();
    const response = await callRoute(newRunRoute, {
      method: "POST",
      path: "/api/v1/new-run/",
      headers: {
        Authorization: basicAuth(alice.username, alice.password),
        "Content-Type": "application/json", // as docs/API.md's curl line sends it
      },
      body: legacyBody,
    });
    expect(response.status).toBe(201);
    expect(await runsOfAlice()).toBe(before + 1);
  });

  it("our own pages' requests pass (same-origin, session cookie or Basic)", async () => {
    const cookie = `next-auth.session-token=${await sessionToken(ctx, alice.principal.userId)}`;
    for (const credentials of <Record<string, string>[]>[
      { cookie },
      { Authorization: basicAuth(alice.username, alice.token) },
    ]) {
      const response = await callRoute(submitRoute, {
        method: "POST",
        path: "/api/v1/runs?dryRun=true",
        headers: {
          ...credentials,
          Host: "runport.test",
          Origin: "http://runport.test",
          "Sec-Fetch-Site": "same-origin",
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ pipeline: "hello", config: { name: "x" } }),
      });
      expect(response.status).toBe(200);
    }
  });
});

describe("no Basic prompt for browsers", () => {
  it("sends a page load without credentials to sign in, back to the same URL", async () => {
    for (const headers of <Record<string, string>[]>[
      {
        "Sec-Fetch-Mode": "navigate",
        "Sec-Fetch-Dest": "document",
        "Sec-Fetch-Site": "same-origin",
      },
      { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    ]) {
      const response = await callRoute(logsRoute, {
        path: `/api/v1/runs/${heldRun}/logs?download=true`,
        headers,
        params: { id: heldRun },
      });
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe(
        `/signin?callbackUrl=${encodeURIComponent(`/api/v1/runs/${heldRun}/logs?download=true`)}`,
      );
      expect(response.headers.get("www-authenticate")).toBeNull();
    }
  });

  it("answers a page's fetch with 401 without the challenge, and wrong cached credentials too", async () => {
    const fetched = await callRoute(getRunRoute, {
      path: `/api/v1/runs/${heldRun}`,
      headers: {
        "Sec-Fetch-Site": "same-origin",
        "Sec-Fetch-Mode": "cors",
        "Sec-Fetch-Dest": "empty",
      },
      params: { id: heldRun },
    });
    expect(fetched.status).toBe(401);
    expect(fetched.headers.get("www-authenticate")).toBeNull();
    const wrong = await callRoute(getRunRoute, {
      path: `/api/v1/runs/${heldRun}`,
      headers: {
        "Sec-Fetch-Mode": "navigate",
        Authorization: basicAuth(alice.username, "wrong-password"),
      },
      params: { id: heldRun },
    });
    expect(wrong.status).toBe(303);
  });

  it("still challenges API clients: 401 with WWW-Authenticate: Basic", async () => {
    const response = await callRoute(getRunRoute, {
      path: `/api/v1/runs/${heldRun}`,
      headers: { Accept: "application/json" },
      params: { id: heldRun },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Basic realm="Runport"');
  });
});
