import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE as deleteRoute, PATCH as patchRoute } from "@/app/api/v1/users/[username]/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/users/route";
import { auditEvents, users } from "@/db/schema";
import type { CreatedUser, UserList, UserView } from "@/lib/contract/users";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { updateUser } from "@/server/users/update-user";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";

let ctx: AppContext;
let admin: TestUser;
let submitter: TestUser;

beforeAll(async () => {
  ctx = getAppContext();
  [admin, submitter] = await Promise.all([
    createTestUser(ctx, "admin"),
    createTestUser(ctx, "submitter"),
  ]);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

const as = (user: TestUser) => ({ Authorization: basicAuth(user.username, user.password) });
const json = { "Content-Type": "application/json" };

const list = (user: TestUser) => callRoute(listRoute, { path: "/api/v1/users", headers: as(user) });
const create = (user: TestUser, body: unknown) =>
  callRoute(createRoute, {
    method: "POST",
    path: "/api/v1/users",
    headers: { ...as(user), ...json },
    body: JSON.stringify(body),
  });
const patch = (user: TestUser, username: string, body: unknown) =>
  callRoute(patchRoute, {
    method: "PATCH",
    path: `/api/v1/users/${username}`,
    params: { username },
    headers: { ...as(user), ...json },
    body: JSON.stringify(body),
  });
const remove = (user: TestUser, username: string) =>
  callRoute(deleteRoute, {
    method: "DELETE",
    path: `/api/v1/users/${username}`,
    params: { username },
    headers: as(user),
  });

async function rowOf(username: string) {
  const [row] = await ctx.db.select().from(users).where(eq(users.username, username));
  return row;
}

describe("the users API is for administrators only", () => {
  it("answers 403 to every other role and 401 without credentials, and changes nothing", async () => {
    const others = await Promise.all([
      createTestUser(ctx, "operator"),
      createTestUser(ctx, "viewer"),
    ]);
    for (const user of [submitter, ...others]) {
      expect((await list(user)).status).toBe(403);
      expect((await create(user, { username: "mallory" })).status).toBe(403);
      expect((await patch(user, user.username, { role: "admin" })).status).toBe(403);
      expect((await patch(user, admin.username, { disabled: true })).status).toBe(403);
      expect((await remove(user, admin.username)).status).toBe(403);
    }
    expect((await callRoute(listRoute, { path: "/api/v1/users" })).status).toBe(401);
    expect(await rowOf("mallory")).toBeUndefined();
    expect(await rowOf(submitter.username)).toMatchObject({ role: "submitter" });
    expect(await rowOf(admin.username)).toMatchObject({ disabledAt: null });
  });
});

describe("GET, POST, PATCH and DELETE /api/v1/users", () => {
  it("lists users without secrets, creates one with a generated password shown once", async () => {
    const response = await create(admin, { username: "newcomer", role: "viewer" });
    expect(response.status).toBe(201);
    const created = (await response.json()) as CreatedUser;
    expect(created.user).toMatchObject({ username: "newcomer", role: "viewer", disabled: false });
    expect(created.password).toEqual(expect.any(String));
    const body = (await (await list(admin)).json()) as UserList;
    const names = body.items.map((u) => u.username);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(["newcomer", admin.username]));
    expect(JSON.stringify(body)).not.toMatch(/argon2|hash|password/i);
    const newcomer = { username: "newcomer", password: created.password! } as TestUser;
    expect((await list(newcomer)).status).toBe(403); // signs in, but is a viewer

    expect((await create(admin, { username: "newcomer" })).status).toBe(409);
    const bad = await create(admin, { username: "Bad Name", role: "root", extra: 1 });
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(["/extra", "/role", "/username"]);
  });

  it("disables (the user is refused at once), enables, changes the role and the limit", async () => {
    const user = await createTestUser(ctx);
    expect((await list(admin)).status).toBe(200);
    const disabled = await patch(admin, user.username, { disabled: true });
    expect(disabled.status).toBe(200);
    expect((await disabled.json()) as UserView).toMatchObject({
      username: user.username,
      disabled: true,
      disabledAt: expect.any(String) as unknown,
    });
    const asUser = () =>
      callRoute(listRoute, {
        path: "/api/v1/users",
        headers: { Authorization: `Bearer ${user.token}` },
      });
    expect((await asUser()).status).toBe(401);

    const changed = await patch(admin, user.username, {
      disabled: false,
      role: "admin",
      maxRunningRuns: 3,
    });
    expect((await changed.json()) as UserView).toMatchObject({
      disabled: false,
      disabledAt: null,
      role: "admin",
      maxRunningRuns: 3,
    });
    expect((await asUser()).status).toBe(200);
    const listed = ((await (await list(admin)).json()) as UserList).items;
    const seen = listed.find((u) => u.username === user.username)?.lastTokenUseAt;
    expect(Date.now() - Date.parse(seen!)).toBeLessThan(60_000);
    await patch(admin, user.username, { role: "submitter", maxRunningRuns: null });
    expect(await rowOf(user.username)).toMatchObject({ role: "submitter", maxRunningRuns: null });

    expect((await patch(admin, "nobody-here", { disabled: true })).status).toBe(404);
    expect((await patch(admin, user.username, { disabled: "yes" })).status).toBe(422);
    expect((await patch(admin, user.username, { maxRunningRuns: -1 })).status).toBe(422);
  });

  it("deletes only a user who left nothing behind; anyone else: disable instead", async () => {
    const withToken = await createTestUser(ctx); // has an API token
    const refused = await remove(admin, withToken.username);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(
      /1 API token.*Disable the user instead/,
    );
    expect(await rowOf(withToken.username)).toBeDefined();

    await create(admin, { username: "by-mistake" });
    expect((await remove(admin, "by-mistake")).status).toBe(204);
    expect(await rowOf("by-mistake")).toBeUndefined();
    expect((await remove(admin, "by-mistake")).status).toBe(404);
  });
});

describe("changes to users in the audit log", () => {
  it("records who disabled, enabled, changed and deleted whom, in the change's transaction", async () => {
    const response = await create(admin, { username: `audited-${Date.now()}` });
    const { user } = (await response.json()) as CreatedUser;
    expect((await patch(admin, user.username, { disabled: true })).status).toBe(200);
    expect((await patch(admin, user.username, { disabled: false, role: "viewer" })).status).toBe(
      200,
    );
    expect((await patch(admin, user.username, { role: "viewer" })).status).toBe(200); // no change
    expect((await patch(submitter, user.username, { disabled: true })).status).toBe(403);
    expect((await remove(admin, user.username)).status).toBe(204);
    const rows = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetType, "user"), eq(auditEvents.targetId, user.username)))
      .orderBy(auditEvents.id);
    expect(rows.map((r) => [r.action, r.actorUsername, r.via])).toEqual([
      ["user.create", admin.username, "password"],
      ["user.disable", admin.username, "password"],
      ["user.enable", admin.username, "password"],
      ["user.update", admin.username, "password"],
      ["user.delete", admin.username, "password"],
    ]);
    expect(rows[3]!.details).toEqual({ role: { from: "submitter", to: "viewer" } });
  });
});

describe("the last enabled administrator", () => {
  it("cannot be disabled, demoted or deleted; with a second one, it can", async () => {
    // The admins of this file's database: `admin` and any made admin above (demoted again).
    const enabledAdmins = await ctx.db.select().from(users).where(eq(users.role, "admin"));
    expect(enabledAdmins.filter((u) => !u.disabledAt).map((u) => u.username)).toEqual([
      admin.username,
    ]);
    for (const body of [{ disabled: true }, { role: "operator" }]) {
      const response = await patch(admin, admin.username, body);
      expect(response.status).toBe(409);
      expect(((await response.json()) as { detail: string }).detail).toMatch(
        /last enabled administrator/,
      );
    }
    expect((await remove(admin, admin.username)).status).toBe(409);
    expect(await rowOf(admin.username)).toMatchObject({ role: "admin", disabledAt: null });

    // Two admins disabling each other at the same moment: one of them stays.
    const second = await createTestUser(ctx, "admin");
    // (The services, not the routes: each route first verifies a password, which staggers them.)
    const disable = (by: TestUser, username: string) =>
      updateUser(ctx, { by: { principal: by.principal }, username, changes: { disabled: true } });
    const answers = await Promise.allSettled([
      disable(admin, second.username),
      disable(second, admin.username),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual(["fulfilled", "rejected"]);
    const left = await ctx.db.select().from(users).where(eq(users.role, "admin"));
    expect(left.filter((u) => !u.disabledAt)).toHaveLength(1);
  });
});
