import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE as revokeRoute } from "@/app/api/v1/tokens/[id]/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/tokens/route";
import type { ApiTokenList, CreatedApiToken } from "@/lib/contract/account";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { basicAuth, createTestUser, sessionToken, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";

let ctx: AppContext;
let alice: TestUser;
let bob: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  ctx = getAppContext();
  [alice, bob, viewer] = await Promise.all([
    createTestUser(ctx),
    createTestUser(ctx),
    createTestUser(ctx, "viewer"),
  ]);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

const withPassword = (user: TestUser) => ({
  Authorization: basicAuth(user.username, user.password),
});
const json = { "Content-Type": "application/json" };

async function sessionCookie(user: TestUser): Promise<string> {
  return `next-auth.session-token=${await sessionToken(ctx, user.principal.userId)}`;
}

async function create(user: TestUser, body: unknown): Promise<CreatedApiToken> {
  const response = await callRoute(createRoute, {
    method: "POST",
    path: "/api/v1/tokens",
    headers: { ...withPassword(user), ...json },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as CreatedApiToken;
}

const list = (headers: Record<string, string>) =>
  callRoute(listRoute, { path: "/api/v1/tokens", headers });

describe("GET and POST /api/v1/tokens", () => {
  it("creates a token shown once that authenticates, and lists only the caller's tokens", async () => {
    const created = await create(viewer, { name: "notebook", expiresInDays: 7 });
    expect(Object.keys(created).sort()).toEqual(
      ["createdAt", "expiresAt", "id", "name", "prefix", "scope", "token"].sort(),
    );
    const response = await list({ Authorization: `Bearer ${created.token}` });
    expect(response.status).toBe(200);
    const body = (await response.json()) as ApiTokenList;
    expect(body.items.map((t) => t.name)).toEqual(["notebook", "test"]);
    expect(body.items[0]).toMatchObject({
      id: created.id,
      prefix: created.prefix,
      status: "active",
    });
    expect(JSON.stringify(body)).not.toContain(created.token);
    expect(Object.keys(body.items[0]!)).not.toContain("tokenHash");
    const ofAlice = (await (await list(withPassword(alice))).json()) as ApiTokenList;
    expect(ofAlice.items.map((t) => t.id)).not.toContain(created.id);
    expect((await list({})).status).toBe(401);
  });

  it("refuses to create a token for a caller authenticated with a token", async () => {
    const response = await callRoute(createRoute, {
      method: "POST",
      path: "/api/v1/tokens",
      headers: { Authorization: basicAuth(alice.username, alice.token), ...json },
      body: JSON.stringify({ name: "more" }),
    });
    expect(response.status).toBe(403);
  });

  it("answers bad bodies precisely: 415, 400 with position, 422 with pointers, 413", async () => {
    const post = (body: string, headers: Record<string, string> = json) =>
      callRoute(createRoute, {
        method: "POST",
        path: "/api/v1/tokens",
        headers: { ...withPassword(alice), ...headers },
        body,
      });
    expect((await post('{"name":"x"}', { "Content-Type": "text/plain" })).status).toBe(415);
    const malformed = await post('{"name": "x",\n}');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ errors: [{ line: 2, column: 1 }] });
    const cases: [string, string][] = [
      ['{"nam": "x"}', "/name"],
      ['{"name": "x", "extra": 1}', "/extra"],
      ['{"name": ""}', "/name"],
      ['{"name": "x", "expiresInDays": 0}', "/expiresInDays"],
      ['{"name": "x", "expiresInDays": "30"}', "/expiresInDays"],
      ["[]", ""],
    ];
    for (const [body, path] of cases) {
      const response = await post(body);
      expect(response.status, body).toBe(422);
      const problem = (await response.json()) as { errors: { path: string }[] };
      expect(
        problem.errors.map((e) => e.path),
        body,
      ).toContain(path);
    }
    expect((await post(JSON.stringify({ name: "x".repeat(20_000) }))).status).toBe(413);
    const names = ((await (await list(withPassword(alice))).json()) as ApiTokenList).items;
    expect(names.map((t) => t.name)).toEqual(["test"]);
  });
});

describe("DELETE /api/v1/tokens/{id}", () => {
  const revoke = (user: TestUser, id: string | number) =>
    callRoute(revokeRoute, {
      method: "DELETE",
      path: `/api/v1/tokens/${id}`,
      headers: withPassword(user),
      params: { id: String(id) },
    });

  it("revokes at once (204, again 204); the token then fails", async () => {
    const { id, token } = await create(alice, { name: "to revoke" });
    expect((await list({ Authorization: `Bearer ${token}` })).status).toBe(200); // cached now
    expect((await revoke(alice, id)).status).toBe(204);
    expect((await list({ Authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await revoke(alice, id)).status).toBe(204);
    const items = ((await (await list(withPassword(alice))).json()) as ApiTokenList).items;
    expect(items.find((t) => t.id === id)).toMatchObject({ status: "revoked" });
  });

  it("answers 404 for another user's token or an unknown id, and the token keeps working", async () => {
    const { id, token } = await create(bob, { name: "bob's" });
    expect((await revoke(alice, id)).status).toBe(404);
    expect((await revoke(alice, "not-a-number")).status).toBe(404);
    expect((await list({ Authorization: `Bearer ${token}` })).status).toBe(200);
  });
});

describe("session-authenticated requests (CSRF)", () => {
  it("accepts a same-origin POST and refuses one without or with a foreign Origin", async () => {
    const cookie = await sessionCookie(bob);
    const post = (headers: Record<string, string>) =>
      callRoute(createRoute, {
        method: "POST",
        path: "/api/v1/tokens",
        headers: { cookie, Host: "runport.test", ...json, ...headers },
        body: JSON.stringify({ name: "from the page" }),
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ Origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ Origin: "http://runport.test" })).status).toBe(201);
    expect((await list({ cookie })).status).toBe(200);
    const { id } = await create(bob, { name: "keep" });
    const del = await callRoute(revokeRoute, {
      method: "DELETE",
      path: `/api/v1/tokens/${id}`,
      headers: { cookie, Host: "runport.test" },
      params: { id: String(id) },
    });
    expect(del.status).toBe(403);
  });
});
