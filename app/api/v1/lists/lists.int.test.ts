import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getOne, PATCH, DELETE } from "@/app/api/v1/lists/[name]/route";
import { POST as refresh } from "@/app/api/v1/lists/[name]/refresh/route";
import { GET as values } from "@/app/api/v1/lists/[name]/values/route";
import { GET as list, POST } from "@/app/api/v1/lists/route";
import type { ListValues, ListView, RefreshResult } from "@/lib/contract/lists";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";

let ctx: AppContext;
let admin: TestUser;
let viewer: TestUser;
let submitter: TestUser;

beforeAll(async () => {
  ctx = getAppContext();
  [admin, viewer, submitter] = await Promise.all([
    createTestUser(ctx, "admin"),
    createTestUser(ctx, "viewer"),
    createTestUser(ctx, "submitter"),
  ]);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

const auth = (user: TestUser) => ({ authorization: basicAuth(user.username, user.token) });
const json = { "content-type": "application/json" };

describe("/api/v1/lists", () => {
  it("an admin defines, refreshes, changes and deletes a list; whoever may submit searches it", async () => {
    // ./lists is the default LIST_FILE_ROOTS.
    const file = path.resolve("lists", `api-test-${process.pid}.txt`);
    writeFileSync(file, "alpha\nbeta\ngamma\n");
    try {
      const name = `api-${process.pid}`;
      const body = JSON.stringify({ name, source: { kind: "file", path: file } });
      const refused = await callRoute(POST, {
        method: "POST",
        path: "/api/v1/lists",
        headers: { ...auth(viewer), ...json },
        body,
      });
      expect(refused.status).toBe(403);
      const created = await callRoute(POST, {
        method: "POST",
        path: "/api/v1/lists",
        headers: { ...auth(admin), ...json },
        body,
      });
      expect(created.status).toBe(201);
      expect(created.headers.get("location")).toBe(`/api/v1/lists/${name}`);
      const params = { name };
      const done = await callRoute(refresh, {
        method: "POST",
        path: `/api/v1/lists/${name}/refresh`,
        headers: auth(admin),
        params,
      });
      expect(((await done.json()) as RefreshResult).outcome).toBe("stored");
      const found = await callRoute(values, {
        path: `/api/v1/lists/${name}/values?q=a&limit=5`,
        headers: auth(submitter),
        params,
      });
      expect(((await found.json()) as ListValues).items.map((v) => v.value)).toEqual([
        "alpha",
        "beta",
        "gamma",
      ]);
      const badLimit = await callRoute(values, {
        path: `/api/v1/lists/${name}/values?limit=1000`,
        headers: auth(submitter),
        params,
      });
      expect(badLimit.status).toBe(400);
      // A viewer cannot submit: it has no use for the values (completions, the form's select).
      const notViewer = await callRoute(values, {
        path: `/api/v1/lists/${name}/values?q=a`,
        headers: auth(viewer),
        params,
      });
      expect(notViewer.status).toBe(403);
      const changed = await callRoute(PATCH, {
        method: "PATCH",
        path: `/api/v1/lists/${name}`,
        headers: { ...auth(admin), ...json },
        params,
        body: JSON.stringify({ cron: "*/5 * * * *" }),
      });
      expect(((await changed.json()) as ListView).cron).toBe("*/5 * * * *");
      const all = await callRoute(list, { path: "/api/v1/lists", headers: auth(admin) });
      expect(((await all.json()) as { items: ListView[] }).items.map((l) => l.name)).toContain(
        name,
      );
      const gone = await callRoute(DELETE, {
        method: "DELETE",
        path: `/api/v1/lists/${name}`,
        headers: auth(admin),
        params,
      });
      expect(gone.status).toBe(204);
      const missing = await callRoute(getOne, {
        path: `/api/v1/lists/${name}`,
        headers: auth(admin),
        params,
      });
      expect(missing.status).toBe(404);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
