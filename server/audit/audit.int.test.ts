import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as auditRoute } from "@/app/api/v1/audit/route";
import { POST as passwordRoute } from "@/app/api/v1/account/password/route";
import { POST as intakeRoute } from "@/app/api/v1/operations/intake/route";
import { POST as cancelRoute } from "@/app/api/v1/runs/[id]/cancel/route";
import { POST as releaseRoute } from "@/app/api/v1/runs/[id]/release/route";
import { POST as retryRoute } from "@/app/api/v1/runs/[id]/retry/route";
import { DELETE as scheduleRoute, PATCH as patchRoute } from "@/app/api/v1/schedules/[id]/route";
import { POST as schedulesRoute } from "@/app/api/v1/schedules/route";
import { DELETE as revokeRoute } from "@/app/api/v1/tokens/[id]/route";
import { POST as tokensRoute } from "@/app/api/v1/tokens/route";
import { auditEvents, users, type AuditEventRow } from "@/db/schema";
import type { AuditEventList } from "@/lib/contract/audit";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { createUser } from "@/server/users/create-user";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { submit } from "@/test/runs";
import { recordAudit } from "./record-audit";
import { recordSignIn } from "./record-sign-in";

// Behind a trusted proxy: the address of each request is its X-Forwarded-For.
process.env.TRUST_PROXY = "1";

let ctx: AppContext;
let admin: TestUser;
let operator: TestUser;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  [admin, operator, alice, bob] = await Promise.all([
    createTestUser(ctx, "admin"),
    createTestUser(ctx, "operator"),
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "submitter"),
  ]);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

let lastIp = 10;
/** Headers of a request from a fresh address, so each row's ip names its request. */
function from(user: TestUser, secret: "password" | "token" = "password") {
  const ip = `192.0.2.${++lastIp}`;
  return {
    ip,
    headers: {
      Authorization: basicAuth(user.username, user[secret]),
      "Content-Type": "application/json",
      "X-Forwarded-For": `203.0.113.9, ${ip}`,
    },
  };
}

async function rowsFor(action: AuditEventRow["action"], targetId: string | number) {
  return ctx.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.targetId, String(targetId))));
}

describe("audited actions", () => {
  it("records tokens created and revoked (once), and nothing for a refused creation", async () => {
    const create = from(alice);
    const created = await callRoute(tokensRoute, {
      method: "POST",
      path: "/api/v1/tokens",
      headers: create.headers,
      body: JSON.stringify({ name: "laptop" }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    expect(await rowsFor("token.create", id)).toEqual([
      expect.objectContaining({
        outcome: "ok",
        actorUserId: alice.principal.userId,
        actorUsername: alice.username,
        via: "password",
        ip: create.ip,
        targetType: "token",
        details: { name: "laptop", expiresAt: null },
      }),
    ]);
    const revoke = from(alice);
    for (let i = 0; i < 2; i++) {
      const response = await callRoute(revokeRoute, {
        method: "DELETE",
        path: `/api/v1/tokens/${id}`,
        headers: revoke.headers,
        params: { id: String(id) },
      });
      expect(response.status).toBe(204);
    }
    expect(await rowsFor("token.revoke", id)).toEqual([
      expect.objectContaining({ actorUsername: alice.username, ip: revoke.ip }),
    ]);
    const before = await ctx.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "token.create"));
    const refused = await callRoute(tokensRoute, {
      method: "POST",
      path: "/api/v1/tokens",
      headers: from(alice, "token").headers,
      body: JSON.stringify({ name: "more" }),
    });
    expect(refused.status).toBe(403);
    const after = await ctx.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "token.create"));
    expect(after).toHaveLength(before.length);
  });

  it("records password changes, and wrong current passwords as failed", async () => {
    const user = await createTestUser(ctx);
    const wrong = from(user);
    const refused = await callRoute(passwordRoute, {
      method: "POST",
      path: "/api/v1/account/password",
      headers: wrong.headers,
      body: JSON.stringify({ currentPassword: "not-it-at-all", newPassword: "a-new-password-1" }),
    });
    expect(refused.status).toBe(422);
    const right = from(user);
    const changed = await callRoute(passwordRoute, {
      method: "POST",
      path: "/api/v1/account/password",
      headers: right.headers,
      body: JSON.stringify({ currentPassword: user.password, newPassword: "a-new-password-1" }),
    });
    expect(changed.status).toBe(204);
    const rows = await rowsFor("password.change", user.username);
    expect(rows.map((r) => [r.outcome, r.ip, r.actorUsername])).toEqual([
      ["failed", wrong.ip, user.username],
      ["ok", right.ip, user.username],
    ]);
  });

  it("records users created, by whom (the command line when nobody is named)", async () => {
    await createUser(ctx, { username: "audit-by-cli" });
    await createUser(
      ctx,
      { username: "audit-by-admin", role: "viewer" },
      { actor: admin.principal, ip: "198.51.100.7" },
    );
    expect(await rowsFor("user.create", "audit-by-cli")).toEqual([
      expect.objectContaining({ actorUsername: null, via: "cli", ip: null }),
    ]);
    expect(await rowsFor("user.create", "audit-by-admin")).toEqual([
      expect.objectContaining({
        actorUsername: admin.username,
        ip: "198.51.100.7",
        details: { role: "viewer" },
      }),
    ]);
    // A refused creation (the name is taken) records nothing more.
    await expect(createUser(ctx, { username: "audit-by-cli" })).rejects.toThrow(/exists/);
    expect(await rowsFor("user.create", "audit-by-cli")).toHaveLength(1);
  });

  it("records release, cancel and retry of somebody else's run, never of one's own", async () => {
    const held = await submit(ctx, bob.principal, "hello", { name: "b" }, { hold: true });
    const release = from(operator, "token");
    const released = await callRoute(releaseRoute, {
      method: "POST",
      path: `/api/v1/runs/${held}/release`,
      headers: release.headers,
      params: { id: held },
    });
    expect(released.status).toBe(200);
    const cancel = from(operator);
    for (const status of [202, 409]) {
      const response = await callRoute(cancelRoute, {
        method: "POST",
        path: `/api/v1/runs/${held}/cancel`,
        headers: cancel.headers,
        params: { id: held },
      });
      expect(response.status).toBe(status);
    }
    const retry = from(operator);
    const retried = await callRoute(retryRoute, {
      method: "POST",
      path: `/api/v1/runs/${held}/retry`,
      headers: retry.headers,
      params: { id: held },
    });
    expect(retried.status).toBe(201);
    const newRun = ((await retried.json()) as { id: string }).id;
    expect(await rowsFor("run.release", held)).toEqual([
      expect.objectContaining({
        actorUsername: operator.username,
        via: "token",
        ip: release.ip,
        targetType: "run",
        details: { owner: bob.username, from: "held", to: "queued" },
      }),
    ]);
    expect(await rowsFor("run.cancel", held)).toEqual([
      expect.objectContaining({
        ip: cancel.ip,
        details: { owner: bob.username, from: "queued", to: "cancelled" },
      }),
    ]);
    expect(await rowsFor("run.retry", held)).toEqual([
      expect.objectContaining({
        ip: retry.ip,
        details: { owner: bob.username, status: "cancelled", newRun },
      }),
    ]);
    // The owner acting on their own runs is not an audit event.
    const own = await submit(ctx, bob.principal, "hello", { name: "b" }, { hold: true });
    for (const [route, action] of [
      [releaseRoute, "release"],
      [cancelRoute, "cancel"],
      [retryRoute, "retry"],
    ] as const) {
      const response = await callRoute(route, {
        method: "POST",
        path: `/api/v1/runs/${own}/${action}`,
        headers: from(bob).headers,
        params: { id: own },
      });
      expect(response.status).toBeLessThan(300);
    }
    const ofOwn = await ctx.db.select().from(auditEvents).where(eq(auditEvents.targetId, own));
    expect(ofOwn).toEqual([]);
  });

  it("records schedules created, changed (naming the fields) and deleted", async () => {
    const bad = await callRoute(schedulesRoute, {
      method: "POST",
      path: "/api/v1/schedules",
      headers: from(alice).headers,
      body: JSON.stringify({ name: "bad", pipeline: "hello@1.0.0", config: {}, cron: "nope" }),
    });
    expect(bad.status).toBe(422);
    const create = from(alice);
    const created = await callRoute(schedulesRoute, {
      method: "POST",
      path: "/api/v1/schedules",
      headers: create.headers,
      body: JSON.stringify({
        name: "nightly",
        pipeline: "hello@1.0.0",
        config: { name: "n" },
        cron: "0 3 * * *",
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const patch = from(operator);
    for (const body of [{ enabled: false, name: "nightly" }, { enabled: false }]) {
      const response = await callRoute(patchRoute, {
        method: "PATCH",
        path: `/api/v1/schedules/${id}`,
        headers: patch.headers,
        body: JSON.stringify(body),
        params: { id },
      });
      expect(response.status).toBe(200);
    }
    const remove = from(admin);
    const deleted = await callRoute(scheduleRoute, {
      method: "DELETE",
      path: `/api/v1/schedules/${id}`,
      headers: remove.headers,
      params: { id },
    });
    expect(deleted.status).toBe(204);
    const rows = await ctx.db.select().from(auditEvents).where(eq(auditEvents.targetId, id));
    expect(rows.map((r) => [r.action, r.actorUsername, r.ip])).toEqual([
      ["schedule.create", alice.username, create.ip],
      ["schedule.update", operator.username, patch.ip],
      ["schedule.delete", admin.username, remove.ip],
    ]);
    expect(rows[1]!.details).toEqual({
      name: "nightly",
      owner: alice.username,
      fields: ["enabled"],
    });
    const failed = await ctx.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, "schedule.create"),
          eq(auditEvents.actorUsername, alice.username),
        ),
      );
    expect(failed).toHaveLength(1);
  });

  it("records intake paused and resumed by an administrator, nothing for others", async () => {
    const refused = await callRoute(intakeRoute, {
      method: "POST",
      path: "/api/v1/operations/intake",
      headers: from(operator).headers,
      body: JSON.stringify({ paused: true }),
    });
    expect(refused.status).toBe(403);
    const calls = [from(admin), from(admin)];
    for (const [i, call] of calls.entries()) {
      const response = await callRoute(intakeRoute, {
        method: "POST",
        path: "/api/v1/operations/intake",
        headers: call.headers,
        body: JSON.stringify({ paused: i === 0 }),
      });
      expect(response.status).toBe(200);
    }
    const rows = await rowsFor("intake.pause", "intake");
    const resumed = await rowsFor("intake.resume", "intake");
    expect([...rows, ...resumed].map((r) => [r.action, r.actorUsername, r.ip])).toEqual([
      ["intake.pause", admin.username, calls[0]!.ip],
      ["intake.resume", admin.username, calls[1]!.ip],
    ]);
  });

  it("never fails the action when its audit row cannot be written", async () => {
    const broken = createTestContext({
      databaseUrl: "mysql://root@127.0.0.1:3306/runport_no_such_database",
      logLevel: "silent",
    });
    try {
      await expect(
        recordAudit(broken, { action: "intake.pause", actor: "cli" }),
      ).resolves.toBeUndefined();
    } finally {
      await broken.close();
    }
  });
});

describe("GET /api/v1/audit", () => {
  const list = (user: TestUser, query: string) =>
    callRoute(auditRoute, { path: `/api/v1/audit${query}`, headers: from(user).headers });

  it("is for administrators only", async () => {
    for (const user of [operator, alice]) expect((await list(user, "")).status).toBe(403);
    expect((await callRoute(auditRoute, { path: "/api/v1/audit" })).status).toBe(401);
  });

  it("filters by actor, action, target, outcome and time, newest first", async () => {
    const all = (await (await list(admin, "?limit=200")).json()) as AuditEventList;
    const ats = all.items.map((e) => e.at);
    expect(ats).toEqual([...ats].sort().reverse());
    const mine = (await (
      await list(admin, `?actor=${alice.username}&action=token.create,token.revoke`)
    ).json()) as AuditEventList;
    expect(mine.items.map((e) => e.action)).toEqual(["token.revoke", "token.create"]);
    expect(mine.items[0]).toMatchObject({ actor: alice.username, via: "password" });
    const failed = (await (await list(admin, "?outcome=failed")).json()) as AuditEventList;
    expect(failed.items.map((e) => e.action)).toEqual(["password.change"]);
    const byTarget = (await (
      await list(admin, "?target=user:audit-by-admin")
    ).json()) as AuditEventList;
    expect(byTarget.items).toEqual([
      expect.objectContaining({
        action: "user.create",
        target: { type: "user", id: "audit-by-admin" },
      }),
    ]);
    const bare = (await (await list(admin, "?target=audit-by-admin")).json()) as AuditEventList;
    expect(bare.items).toHaveLength(1);
    const last = all.items[0]!.at;
    const since = (await (await list(admin, `?since=${last}`)).json()) as AuditEventList;
    expect(since.items.every((e) => e.at >= last)).toBe(true);
    const until = (await (await list(admin, `?until=${last}&limit=200`)).json()) as AuditEventList;
    expect(until.items.every((e) => e.at < last)).toBe(true);
    expect(since.items.length + until.items.length).toBe(all.items.length);
  });

  it("pages with a cursor that misses nothing, even among events of the same millisecond", async () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    for (let i = 0; i < 5; i++) {
      await recordAudit(ctx, {
        action: "user.disable",
        actor: "cli",
        target: { type: "user", id: `same-ms-${i}` },
        at,
      });
    }
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const response = await list(
        admin,
        `?action=user.disable&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(response.status).toBe(200);
      const page = (await response.json()) as AuditEventList;
      seen.push(...page.items.map((e) => e.target!.id));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([4, 3, 2, 1, 0].map((i) => `same-ms-${i}`));
  });

  it("answers 400 for a bad cursor, action or target", async () => {
    for (const query of [
      "?cursor=nonsense",
      "?action=run.delete",
      "?target=run:a%20b",
      "?since=yesterday",
    ]) {
      expect((await list(admin, query)).status).toBe(400);
    }
  });
});

describe("the users table", () => {
  // utf8mb4_bin still pads with spaces (PAD SPACE, in MySQL as in MariaDB): trailing
  // spaces are removed before any lookup by normalizeUsername (lib/username.ts).
  it("compares usernames byte for byte (no case or accent matches)", async () => {
    const find = (name: string) =>
      ctx.db.select({ id: users.id }).from(users).where(eq(users.username, name));
    expect(await find(alice.username)).toHaveLength(1);
    for (const variant of [
      alice.username.toUpperCase(),
      alice.username.replace("s", "ś"),
      alice.username.replace("u", "ü"),
    ]) {
      expect(await find(variant)).toEqual([]);
    }
  });
});

describe("recordSignIn (called by the sign-in code)", () => {
  it("records the normalised name as actor and target, or nothing of text no user can have", async () => {
    await recordSignIn(ctx, {
      username: " ALICE-Audit ",
      userId: null,
      outcome: "failed",
      ip: "192.0.2.200",
      via: "sign-in",
      reason: "wrong password",
    });
    await recordSignIn(ctx, {
      username: "a b\u200b",
      userId: null,
      outcome: "locked",
      ip: "192.0.2.201",
      via: "password",
    });
    const rows = await ctx.db.select().from(auditEvents).where(eq(auditEvents.action, "sign-in"));
    expect(rows.map((r) => [r.actorUsername, r.targetId, r.outcome, r.via, r.ip])).toEqual([
      ["alice-audit", "alice-audit", "failed", "sign-in", "192.0.2.200"],
      [null, null, "locked", "password", "192.0.2.201"],
    ]);
    expect(rows[1]!.details).toEqual({ invalidName: "4 characters" });
  });
});
