import { createServer, type AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import type { AppContext } from "@/server/context";
import type { AppError } from "@/server/errors";
import {
  basicAuth,
  createTestContext,
  createTestUser,
  sessionToken,
  type TestUser,
} from "@/test/context";
import { authenticateHeader } from "./authenticate";
import { createAuthOptions, principalFromSession } from "./session";

let ctx: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = createTestContext();
  alice = await createTestUser(ctx);
});

afterAll(() => ctx.close());

async function cookieFor(
  userId: number,
  times: Parameters<typeof sessionToken>[2] = {},
): Promise<Record<string, string>> {
  return { "next-auth.session-token": await sessionToken(ctx, userId, times) };
}

const HOUR = 3600_000;

describe("browser sessions", () => {
  it("read the user's role from the database, and end with a password change", async () => {
    const cookies = await cookieFor(alice.principal.userId);
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
      await principalFromSession(later, await cookieFor(alice.principal.userId)),
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
    expect(await principalFromSession(fresh, await cookieFor(bob.principal.userId))).toBeNull();
    await fresh.close();
  });
});

describe("a session cookie (issue 10, finding 1)", () => {
  it("stays over after a password change when next-auth re-issues it with a fresh iat", async () => {
    const dave = await createTestUser(ctx);
    const fresh = createTestContext();
    await fresh.db
      .update(users)
      .set({ passwordChangedAt: new Date() })
      .where(eq(users.id, dave.principal.userId));
    // Signed in an hour before the change; GET /api/auth/session re-issued it just now.
    const renewed = await cookieFor(dave.principal.userId, {
      signedInAt: Date.now() - HOUR,
      iat: Date.now() + 2000,
    });
    expect(await principalFromSession(fresh, renewed)).toBeNull();
    await fresh.close();
  });

  it("ends with sign-out, also for a copy of the cookie, however often re-issued", async () => {
    const erin = await createTestUser(ctx);
    const sid = "session-of-erin";
    const before = await cookieFor(erin.principal.userId, { sid });
    expect(await principalFromSession(ctx, before)).not.toBeNull();
    // What next-auth's sign-out endpoint calls with the decoded cookie (JWT sessions).
    const { signOut } = createAuthOptions(ctx).events!;
    await signOut!({ token: { sid, uid: erin.principal.userId } } as never);
    expect(await principalFromSession(ctx, before)).toBeNull();
    const renewed = await cookieFor(erin.principal.userId, { sid, iat: Date.now() + 2000 });
    expect(await principalFromSession(ctx, renewed)).toBeNull();
    // Another session of the same user goes on.
    expect(await principalFromSession(ctx, await cookieFor(erin.principal.userId))).not.toBeNull();
  });

  it("answers within a second while Redis does not answer (the sign-out check fails open)", async () => {
    const fay = await createTestUser(ctx);
    const cookies = await cookieFor(fay.principal.userId);
    // A Redis that accepts connections and never answers (frozen, or shutting down).
    const silent = createServer((socket) => socket.on("error", () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const frozen = createTestContext({ redisUrl: `redis://127.0.0.1:${port}` });
    try {
      const started = Date.now();
      const principal = await principalFromSession(frozen, cookies);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(principal).toMatchObject({ username: fay.username, via: "session" });
      // Signing out does not hang either (the browser's cookie goes all the same).
      const { signOut } = createAuthOptions(frozen).events!;
      const signingOut = Date.now();
      await signOut!({ token: { sid: "session-of-fay", uid: fay.principal.userId } } as never);
      expect(Date.now() - signingOut).toBeLessThan(3000);
    } finally {
      frozen.redis.disconnect();
      await frozen.close().catch(() => undefined);
      silent.close();
    }
  });

  it("lasts 12 hours from its sign-in, not from its last renewal; cookies without our claims are over", async () => {
    const old = await cookieFor(alice.principal.userId, {
      signedInAt: Date.now() - 13 * HOUR,
      iat: Date.now(),
    });
    expect(await principalFromSession(ctx, old)).toBeNull();
    const { encode } = await import("next-auth/jwt");
    const legacy = await encode({
      token: { uid: alice.principal.userId, name: "x" },
      secret: ctx.config.authSecret,
    });
    expect(await principalFromSession(ctx, { "next-auth.session-token": legacy })).toBeNull();
  });
});

describe("the sign-in form", () => {
  type Authorize = (
    credentials: Record<string, string>,
    request: { headers: Record<string, string> },
  ) => Promise<unknown>;
  const authorizeOf = () =>
    (createAuthOptions(ctx).providers[0] as unknown as { options: { authorize: Authorize } })
      .options.authorize;

  it("signs in with the right password and shares its limits with Basic", async () => {
    const carol = await createTestUser(ctx);
    const authorize = authorizeOf();
    const from = (address: string) => ({ headers: { "x-forwarded-for": address } });
    const signIn = (password: string, address = "192.0.2.20") =>
      authorize({ username: carol.username, password }, from(address));
    expect(await signIn(carol.password)).toEqual({
      id: String(carol.principal.userId),
      name: carol.username,
    });
    expect(await signIn("wrong")).toBeNull();
    for (let i = 0; i < 4; i++) {
      await expect(
        authenticateHeader(ctx, basicAuth(carol.username, "wrong"), "192.0.2.20"),
      ).rejects.toMatchObject({ status: 401 });
    }
    // Five failures from that address, by either way in: the form says how long to wait
    // (lib/sign-in-error.ts), and Basic answers 429 with Retry-After.
    await expect(signIn(carol.password)).rejects.toThrow(/^TooManyAttempts:(59|60)$/);
    const refused: unknown = await authenticateHeader(
      ctx,
      basicAuth(carol.username, carol.password),
      "192.0.2.20",
    ).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429 });
    expect((refused as AppError).headers?.["Retry-After"]).toMatch(/^\d+$/);
    // The user elsewhere is not locked out.
    expect(await signIn(carol.password, "192.0.2.21")).toMatchObject({ name: carol.username });
  });
});

describe("usernames in a sign-in (issue 10, finding 2)", () => {
  it("are one name in every variant the database would match, for the lookup and the throttle", async () => {
    const frank = await createTestUser(ctx);
    const signIn = (username: string, password: string) =>
      authenticateHeader(ctx, basicAuth(username, password)).then(
        (principal) => principal?.username ?? null,
        () => null,
      );
    // The same person, written otherwise, signs in as that user.
    expect(await signIn(` ${frank.username.toUpperCase()}  `, frank.password)).toBe(frank.username);
    for (let i = 0; i < 5; i++) expect(await signIn(frank.username, "wrong")).toBeNull();
    // Locked: no variant gets around it, and names no user can have never match anyone.
    for (const variant of [
      `${frank.username}     `,
      frank.username.toUpperCase(),
      frank.username.replace(/^./, (c) => `${c}\u200b`),
      frank.username.replace(/e/, "\u00eb"),
    ]) {
      expect(await signIn(variant, frank.password)).toBeNull();
    }
  });
});
