import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as versionsRoute } from "@/app/api/v1/lists/[name]/versions/route";
import { GET as operationsRoute } from "@/app/api/v1/operations/route";
import { referenceLists } from "@/db/schema";
import type { ListVersionView } from "@/lib/contract/lists";
import type { OperationsView } from "@/lib/contract/operations";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { createList } from "./create-list";
import { refreshList } from "./refresh-list";

// What the lists page and the operations page show of a list: its versions, and a failing
// list's reason, since when, and its last good values. The API's context reads files in
// ./lists (the default LIST_FILE_ROOTS).
let ctx: AppContext;
let admin: TestUser;
let viewer: TestUser;
const file = path.resolve("lists", `admin-views-${process.pid}.csv`);
const name = `views-${process.pid}`;

beforeAll(async () => {
  ctx = getAppContext();
  [admin, viewer] = await Promise.all([
    createTestUser(ctx, "admin"),
    createTestUser(ctx, "viewer"),
  ]);
  await createList(ctx, {
    principal: admin.principal,
    bodyText: JSON.stringify({
      name,
      source: { kind: "file", path: file, parse: { format: "csv", valueColumn: "account" } },
    }),
  });
});

afterAll(async () => {
  rmSync(file, { force: true });
  await ctx.queue.obliterate({ force: true });
});

const auth = (user: TestUser) => ({ authorization: basicAuth(user.username, user.token) });

async function refreshAt(at: string) {
  const [row] = await ctx.db.select().from(referenceLists).where(eq(referenceLists.name, name));
  return refreshList(ctx, row!, { now: new Date(at) });
}

async function versions(user: TestUser, list = name) {
  return callRoute(versionsRoute, {
    path: `/api/v1/lists/${list}/versions`,
    headers: auth(user),
    params: { name: list },
  });
}

async function failingLists() {
  const answer = await callRoute(operationsRoute, {
    path: "/api/v1/operations",
    headers: auth(admin),
  });
  return ((await answer.json()) as OperationsView).failingLists;
}

describe("a list's versions and failures", () => {
  it("lists the kept versions newest first, the current one marked (admins only)", async () => {
    writeFileSync(file, "account\nlab-1\nlab-2\n");
    expect(await refreshAt("2026-01-01T10:00:00Z")).toMatchObject({ outcome: "stored" });
    writeFileSync(file, "account\nlab-1\nlab-2\nlab-3\n");
    expect(await refreshAt("2026-01-01T11:00:00Z")).toMatchObject({ outcome: "stored" });
    const answer = await versions(admin);
    expect(answer.status).toBe(200);
    const { items } = (await answer.json()) as { items: ListVersionView[] };
    expect(items.map((v) => [v.count, v.current, v.createdAt])).toEqual([
      [3, true, "2026-01-01T11:00:00.000Z"],
      [2, false, "2026-01-01T10:00:00.000Z"],
    ]);
    expect(items[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await versions(viewer)).status).toBe(403);
    expect((await versions(admin, "no-such-list")).status).toBe(404);
  });

  it("shows a failing list on the operations page, failing since its first failure, until a refresh succeeds", async () => {
    expect(await failingLists()).toEqual([]);
    writeFileSync(file, "name\nlab-1\n"); // no `account` column any more
    expect(await refreshAt("2026-01-01T12:00:00Z")).toMatchObject({ outcome: "failed" });
    expect(await refreshAt("2026-01-01T13:00:00Z")).toMatchObject({ outcome: "failed" });
    const [failing, ...others] = await failingLists();
    expect(others).toEqual([]);
    expect(failing).toMatchObject({
      name,
      since: "2026-01-01T12:00:00.000Z", // the first failure, not the latest
      lastGoodAt: "2026-01-01T11:00:00.000Z",
      lastGoodCount: 3,
    });
    expect(failing?.error).toMatch(/account/);

    writeFileSync(file, "account\nlab-1\nlab-2\nlab-3\n");
    expect(await refreshAt("2026-01-01T14:00:00Z")).toMatchObject({ outcome: "unchanged" });
    expect(await failingLists()).toEqual([]);
  });
});
