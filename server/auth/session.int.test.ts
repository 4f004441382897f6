import { eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { authenticateHeader } from "./authenticate";
import { createAuthOptions, principalFromSession } from "./session";

let ctx: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = createTestContext();
  alice = await createTestUser(ctx);
});

afterAll(() => ctx.close());

async function cookieFor(userId: number, issuedAt: number): Promise<Record<string, string>> {
  const token = await encode({
    token: { uid: userId, name: "x", iat: Math.floor(issuedAt / 1000) },
    secret: ctx.config.authSecret,
  });
  return { "next-auth.session-token": token };
}

describe("browser sessions", () => {
  it("read the user's role from the database, and end with a password change", async () => {
    const cookies = await cookieFor(alice.principal.userId, Date.now());
    expect(await principalFromSession(ctx, cookies)).toMatchObject({
      username: alice.username,
      via: "session",
    });
    expect(await principalFromSession(ctx, { "next-auth.session-token": "forged" })).toBeNull();

    const fresh = createTestContext(); // no cached user: sees the change at once
    await fresh.db
      .update(users)
      .set({ passwordChangedAt: new Date(Date.now() + 5000) })
      .where(eq(users.id, alice.principal.userId));
    expect(await principalFromSession(fresh, cookies)).toBeNull();
    await fresh.close();
    // A session that began after the change is fine (tokens carry the time they were issued).
    const later = createTestContext();
    await later.db
      .update(users)
      .set({ passwordChangedAt: new Date(Date.now() - 60_000) })
      .where(eq(users.id, alice.principal.userId));
    expect(
      await principalFromSession(later, await cookieFor(alice.principal.userId, Date.now())),
    ).not.toBeNull();
    await later.close();
  });

  it("end when the user is disabled", async () => {
    const bob = await createTestUser(ctx);
    const fresh = createTestContext();
    await fresh.db
      .update(users)
      .set({ disabledAt: new Date() })
      .where(eq(users.id, bob.principal.userId));
    expect(
      await principalFromSession(fresh, await cookieFor(bob.principal.userId, Date.now())),
    ).toBeNull();
    await fresh.close();
  });
});

describe("the sign-in form", () => {
  it("signs in with the right password and shares its throttle with Basic", async () => {
    const carol = await createTestUser(ctx);
    const provider = createAuthOptions(ctx).providers[0] as unknown as {
      options: { authorize(credentials: Record<string, string>): Promise<unknown> };
    };
    const signIn = (password: string) =>
      provider.options.authorize({ username: carol.username, password });
    expect(await signIn(carol.password)).toEqual({
      id: String(carol.principal.userId),
      name: carol.username,
    });
    expect(await signIn("wrong")).toBeNull();
    for (let i = 0; i < 4; i++) {
      await expect(
        authenticateHeader(ctx, basicAuth(carol.username, "wrong")),
      ).rejects.toMatchObject({ status: 401 });
    }
    // Five failures, by either way in: the right password is refused for a while.
    expect(await signIn(carol.password)).toBeNull();
    expect(ctx.signInThrottle.allow(carol.username)).toBe(false);
  });
});
