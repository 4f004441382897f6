import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiTokens, users } from "@/db/schema";
import { authenticateHeader } from "@/server/auth/authenticate";
import type { AppContext } from "@/server/context";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { changePassword } from "./change-password";
import { createApiToken } from "./create-api-token";
import { listApiTokens } from "./list-api-tokens";
import { revokeApiToken } from "./revoke-api-token";

let ctx: AppContext;
let uncached: AppContext;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  ctx = createTestContext({ authCacheSeconds: 60 });
  uncached = createTestContext({ authCacheSeconds: 0 });
  [alice, bob] = await Promise.all([createTestUser(ctx), createTestUser(ctx, "viewer")]);
});

afterAll(async () => {
  await Promise.all([ctx.close(), uncached.close()]);
});

const passwordHashOf = async (user: TestUser) =>
  (await ctx.db.select().from(users).where(eq(users.id, user.principal.userId)))[0]!.passwordHash;

describe("createApiToken and listApiTokens", () => {
  it("creates a token for the caller that authenticates, and lists only the caller's tokens", async () => {
    const created = await createApiToken(ctx, {
      principal: bob.principal,
      name: "  laptop  ",
      expiresInDays: 30,
    });
    expect(created).toMatchObject({ name: "laptop", prefix: created.token.slice(0, 9) });
    const days = (Date.parse(created.expiresAt!) - Date.parse(created.createdAt)) / 86_400_000;
    expect(days).toBe(30);
    for (const header of [basicAuth(bob.username, created.token), `Bearer ${created.token}`]) {
      expect(await authenticateHeader(uncached, header)).toMatchObject({
        username: bob.username,
        via: "token",
      });
    }
    const list = await listApiTokens(ctx, { principal: bob.principal });
    expect(list.items.map((t) => t.name)).toEqual(["laptop", "test"]);
    expect(list.items[0]).toEqual({
      id: created.id,
      name: "laptop",
      prefix: created.prefix,
      createdAt: created.createdAt,
      lastUsedAt: expect.any(String) as unknown,
      expiresAt: created.expiresAt,
      revokedAt: null,
      status: "active",
      scope: null,
    });
    expect(JSON.stringify(list)).not.toContain(created.token);
    expect(JSON.stringify(list)).not.toMatch(/hash/i);
    const ofAlice = await listApiTokens(ctx, { principal: alice.principal });
    expect(ofAlice.items.map((t) => t.id)).not.toContain(created.id);
  });

  it("marks expired tokens, and refuses bad names, bad expiries and token-authenticated callers", async () => {
    const old = await createApiToken(ctx, { principal: alice.principal, name: "old" });
    await ctx.db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, old.id));
    const list = await listApiTokens(ctx, { principal: alice.principal });
    expect(list.items.find((t) => t.id === old.id)?.status).toBe("expired");

    const bad = [
      { name: " ", path: "/name" },
      { name: "x".repeat(101), path: "/name" },
      { name: "ok", expiresInDays: 0, path: "/expiresInDays" },
      { name: "ok", expiresInDays: 3651, path: "/expiresInDays" },
      { name: "ok", expiresInDays: 1.5, path: "/expiresInDays" },
    ];
    for (const { path, ...request } of bad) {
      await expect(
        createApiToken(ctx, { principal: alice.principal, ...request }),
      ).rejects.toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path }] });
    }
    await expect(
      createApiToken(ctx, { principal: { ...alice.principal, via: "token" }, name: "more" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("revokeApiToken", () => {
  it("revokes the caller's token at once, even when its credential is cached; twice is fine", async () => {
    const { id, token } = await createApiToken(ctx, { principal: alice.principal, name: "ci" });
    await authenticateHeader(ctx, `Bearer ${token}`); // now cached for 60 s
    const revoked = await revokeApiToken(ctx, { principal: alice.principal, tokenId: String(id) });
    expect(revoked).toMatchObject({ id, status: "revoked" });
    expect(revoked.revokedAt).toEqual(expect.any(String));
    await expect(authenticateHeader(ctx, `Bearer ${token}`)).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    const again = await revokeApiToken(ctx, { principal: alice.principal, tokenId: id });
    expect(again.revokedAt).toBe(revoked.revokedAt);
  });

  it("answers 404 for another user's token or an unknown id, and leaves the token working", async () => {
    for (const tokenId of ["999999999", "abc", "0", "-1", "1e3"]) {
      await expect(
        revokeApiToken(ctx, { principal: alice.principal, tokenId }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    const [bobsToken] = (await listApiTokens(ctx, { principal: bob.principal })).items.filter(
      (t) => t.name === "test",
    );
    await expect(
      revokeApiToken(ctx, { principal: alice.principal, tokenId: bobsToken!.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await authenticateHeader(uncached, `Bearer ${bob.token}`)).toMatchObject({
      username: bob.username,
    });
  });
});

describe("changePassword", () => {
  it("refuses a wrong current password and changes nothing", async () => {
    const before = await passwordHashOf(alice);
    await expect(
      changePassword(ctx, {
        principal: alice.principal,
        currentPassword: "not-the-password",
        newPassword: "a-new-password-1",
      }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      errors: [{ path: "/currentPassword", message: "is wrong" }],
    });
    expect(await passwordHashOf(alice)).toBe(before);
  });

  it("refuses a short new password or the same one", async () => {
    for (const newPassword of ["short", alice.password]) {
      await expect(
        changePassword(ctx, {
          principal: alice.principal,
          currentPassword: alice.password,
          newPassword,
        }),
      ).rejects.toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path: "/newPassword" }] });
    }
  });

  it("stores the new password: the old one is refused at once (even cached), the new one works", async () => {
    const user = await createTestUser(ctx);
    await authenticateHeader(ctx, basicAuth(user.username, user.password)); // cached
    await changePassword(ctx, {
      principal: user.principal,
      currentPassword: user.password,
      newPassword: "a-brand-new-password",
    });
    expect(await passwordHashOf(user)).toMatch(/^\$argon2id\$/);
    for (const context of [ctx, uncached]) {
      await expect(
        authenticateHeader(context, basicAuth(user.username, user.password)),
      ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      expect(
        await authenticateHeader(context, basicAuth(user.username, "a-brand-new-password")),
      ).toMatchObject({ username: user.username });
    }
    // API tokens keep working.
    expect(await authenticateHeader(uncached, `Bearer ${user.token}`)).toMatchObject({
      username: user.username,
    });
  });

  it("refuses further attempts after five wrong current passwords", async () => {
    const user = await createTestUser(ctx);
    const attempt = (currentPassword: string) =>
      changePassword(ctx, {
        principal: user.principal,
        currentPassword,
        newPassword: "x".repeat(12),
      });
    for (let i = 0; i < 5; i++)
      await expect(attempt(`wrong-${i}`)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(attempt(user.password)).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });
});
