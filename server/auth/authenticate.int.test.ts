import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiTokens, users } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { authenticateHeader } from "./authenticate";
import { hashPassword } from "./passwords";
import { hashToken } from "./tokens";

let ctx: AppContext;
let uncached: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = createTestContext({ authCacheSeconds: 60 });
  uncached = createTestContext({ authCacheSeconds: 0 });
  alice = await createTestUser(ctx);
});

afterAll(async () => {
  await Promise.all([ctx.close(), uncached.close()]);
});

describe("authenticateHeader", () => {
  it("accepts the password, an API token as password, and a bearer token", async () => {
    for (const header of [
      basicAuth(alice.username, alice.password),
      basicAuth(alice.username, alice.token),
      `Bearer ${alice.token}`,
    ]) {
      expect(await authenticateHeader(uncached, header)).toMatchObject({
        username: alice.username,
        role: "submitter",
      });
    }
    expect(await authenticateHeader(uncached, null)).toBeNull();
  });

  it("refuses wrong secrets, another user's token, revoked tokens and unknown schemes with 401", async () => {
    const bob = await createTestUser(ctx);
    const refused = [
      basicAuth(alice.username, "not-the-password"),
      basicAuth("nobody-here", alice.password),
      basicAuth(bob.username, alice.token),
      "Digest abc",
      "Basic %%%",
    ];
    for (const header of refused) {
      await expect(authenticateHeader(uncached, header)).rejects.toMatchObject({
        code: "UNAUTHORIZED",
      });
    }
    await ctx.db
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(eq(apiTokens.tokenHash, hashToken(bob.token)));
    await expect(authenticateHeader(uncached, `Bearer ${bob.token}`)).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("caches a verified Basic credential for AUTH_CACHE_SECONDS, and only then", async () => {
    const carol = await createTestUser(ctx);
    const header = basicAuth(carol.username, carol.password);
    await authenticateHeader(ctx, header);
    await authenticateHeader(uncached, header);
    // Change the stored password behind the caches' back.
    await ctx.db
      .update(users)
      .set({ passwordHash: await hashPassword("another-password-1") })
      .where(eq(users.username, carol.username));
    expect(await authenticateHeader(ctx, header)).toMatchObject({ username: carol.username });
    await expect(authenticateHeader(uncached, header)).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("lets a cached bearer token expire even when it is used all the time", async () => {
    const shortCache = createTestContext({ authCacheSeconds: 1 });
    const erin = await createTestUser(shortCache);
    const header = `Bearer ${erin.token}`;
    await authenticateHeader(shortCache, header);
    await shortCache.db
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(eq(apiTokens.tokenHash, hashToken(erin.token)));
    // Within the cache time the revoked token still works (documented); keep using it...
    const deadline = Date.now() + 1500;
    let refusedAt: number | null = null;
    while (Date.now() < deadline && refusedAt === null) {
      try {
        await authenticateHeader(shortCache, header);
      } catch {
        refusedAt = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // ...and it is refused once the first verification is older than the cache time.
    expect(refusedAt).not.toBeNull();
    await shortCache.close();
  });

  it("refuses disabled users", async () => {
    const dave = await createTestUser(ctx);
    await ctx.db
      .update(users)
      .set({ disabledAt: new Date() })
      .where(eq(users.username, dave.username));
    await expect(
      authenticateHeader(uncached, basicAuth(dave.username, dave.password)),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(authenticateHeader(uncached, `Bearer ${dave.token}`)).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});
