import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateHeader } from "@/server/auth/authenticate";
import type { Principal } from "@/server/auth/principal";
import { principalFromSession } from "@/server/auth/session";
import type { AppContext } from "@/server/context";
import { streamRunLog } from "@/server/runs/stream-run-log";
import {
  basicAuth,
  createTestContext,
  createTestUser,
  sessionToken,
  type TestUser,
} from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { submit } from "@/test/runs";
import { changePassword } from "./change-password";
import { listApiTokens } from "./list-api-tokens";
import { revokeApiToken } from "./revoke-api-token";
import { updateUser } from "./update-user";

// Two web processes on one database and one Redis: `web1` is where the admin acts,
// `web2` is where the user's credentials are cached (for a minute) and their stream is open.
let web1: AppContext;
let web2: AppContext;
let admin: TestUser;

beforeAll(async () => {
  web1 = createTestContext({ authCacheSeconds: 60 });
  web2 = createTestContext({ authCacheSeconds: 60 });
  await registerPipelines(web1);
  admin = await createTestUser(web1, "admin");
});

afterAll(async () => {
  await web1.queue.obliterate({ force: true });
  await Promise.all([web1.close(), web2.close()]);
});

/** Every way `user` proves who they are on web2: Basic password, Basic token, Bearer, session. */
async function signIns(ctx: AppContext, user: TestUser) {
  const cookies = { "next-auth.session-token": await sessionToken(ctx, user.principal.userId) };
  const attempt = (header: string) => authenticateHeader(ctx, header).catch(() => null);
  return async (): Promise<(Principal | null)[]> => [
    await attempt(basicAuth(user.username, user.password)),
    await attempt(basicAuth(user.username, user.token)),
    await attempt(`Bearer ${user.token}`),
    await principalFromSession(ctx, cookies),
  ];
}

/** Polls until `check` holds; the time it took, or a failure after `withinMs`. */
async function within(withinMs: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > withinMs) throw new Error(`not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - start;
}

describe("revoking a user's access in every web process (issue 10, finding 8)", () => {
  it("refuses a disabled user's Basic, bearer and session on the other process at once, not after AUTH_CACHE_SECONDS", async () => {
    const user = await createTestUser(web1);
    const onWeb2 = await signIns(web2, user);
    expect((await onWeb2()).map((p) => p?.username)).toEqual(Array(4).fill(user.username));

    await updateUser(web1, {
      by: { principal: admin.principal },
      username: user.username,
      changes: { disabled: true },
    });
    await within(1000, async () => (await onWeb2()).every((p) => p === null));

    // Enabled again: everything works again (nothing was revoked for good).
    await updateUser(web1, {
      by: { principal: admin.principal },
      username: user.username,
      changes: { disabled: false },
    });
    expect((await onWeb2()).map((p) => p?.username)).toEqual(Array(4).fill(user.username));
  });

  it("refuses the old password on the other process at once after a password change on the Account page", async () => {
    const user = await createTestUser(web1);
    const oldPassword = () =>
      authenticateHeader(web2, basicAuth(user.username, user.password)).catch(() => null);
    expect((await oldPassword())?.username).toBe(user.username); // cached on web2 for a minute

    await changePassword(web1, {
      principal: user.principal,
      currentPassword: user.password,
      newPassword: "a-brand-new-password-1",
    });
    await within(1000, async () => (await oldPassword()) === null);
  });

  it("refuses a revoked API token on the other process at once, and ends only the live views opened with a token", async () => {
    const user = await createTestUser(web1);
    const run = await submit(web1, user.principal, "hello", { name: "x" }, { hold: true });
    const follow = async (principal: Principal) => {
      const stream = await streamRunLog(web2, {
        principal,
        runId: run,
        cursor: 0,
        signal: new AbortController().signal,
      });
      const reader = stream.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^event: status\n/);
      return reader;
    };
    const byPassword = await follow(user.principal);
    const byToken = await follow({ ...user.principal, via: "token" });
    expect(web2.liveViews.held(user.principal.userId)).toBe(2);
    const onWeb2 = await signIns(web2, user);
    expect((await onWeb2()).map((p) => p?.username)).toEqual(Array(4).fill(user.username));

    const {
      items: [token],
    } = await listApiTokens(web1, { principal: user.principal });
    await revokeApiToken(web1, { principal: user.principal, tokenId: token!.id });
    // Basic with the token and Bearer refused; the password and the session still work.
    await within(1000, async () => {
      const [password, basicToken, bearer, session] = await onWeb2();
      return !basicToken && !bearer && password?.username === user.username && !!session;
    });
    let rest = "";
    for (;;) {
      const { done, value } = await byToken.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toMatch(/event: problem\ndata: .*API token of yours was revoked/);
    expect(web2.liveViews.held(user.principal.userId)).toBe(1); // the password's view stays
    await byPassword.cancel();
  });

  it("gives a user's new role on the other process at once", async () => {
    const user = await createTestUser(web1, "operator");
    const onWeb2 = await signIns(web2, user);
    expect((await onWeb2()).map((p) => p?.role)).toEqual(Array(4).fill("operator"));
    await updateUser(web1, {
      by: { principal: admin.principal },
      username: user.username,
      changes: { role: "viewer" },
    });
    await within(1000, async () => (await onWeb2()).every((p) => p?.role === "viewer"));
  });

  it("closes the disabled user's open live view on the other process within a second, with a last event", async () => {
    const user = await createTestUser(web1);
    const run = await submit(web1, user.principal, "hello", { name: "x" }, { hold: true });
    const stream = await streamRunLog(web2, {
      principal: user.principal,
      runId: run,
      cursor: 0,
      signal: new AbortController().signal,
    });
    const reader = stream.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^event: status\n/);
    expect(web2.liveViews.held(user.principal.userId)).toBe(1);

    const disabledAt = Date.now();
    await updateUser(web1, {
      by: { principal: admin.principal },
      username: user.username,
      changes: { disabled: true },
    });
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(Date.now() - disabledAt).toBeLessThan(1000);
    expect(rest).toMatch(/event: problem\ndata: .*live view ended/);
    expect(web2.liveViews.held(user.principal.userId)).toBe(0);
  });
});
