import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as changePasswordRoute } from "@/app/api/v1/account/password/route";
import { GET as listTokensRoute } from "@/app/api/v1/tokens/route";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { basicAuth, createTestUser, sessionToken, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";

let ctx: AppContext;

beforeAll(() => {
  ctx = getAppContext();
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

// Host as a browser sends it: the CSRF check compares the Origin with it.
const change = (headers: Record<string, string>, body: string) =>
  callRoute(changePasswordRoute, {
    method: "POST",
    path: "/api/v1/account/password",
    headers: { Host: "runport.test", "Content-Type": "application/json", ...headers },
    body,
  });

/** Whether username:password authenticates an API call right now (through the route's cache). */
const accepted = async (user: TestUser, password: string) =>
  (
    await callRoute(listTokensRoute, {
      path: "/api/v1/tokens",
      headers: { Authorization: basicAuth(user.username, password) },
    })
  ).status === 200;

describe("POST /api/v1/account/password", () => {
  it("refuses a wrong current password with 422 and changes nothing", async () => {
    const user = await createTestUser(ctx);
    const response = await change(
      { Authorization: basicAuth(user.username, user.token) },
      JSON.stringify({ currentPassword: "wrong-password", newPassword: "another-password" }),
    );
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      errors: [{ path: "/currentPassword", message: "is wrong" }],
    });
    expect(await accepted(user, user.password)).toBe(true);
    expect(await accepted(user, "another-password")).toBe(false);
  });

  it("changes the password (204): the old one is refused at once, the new one accepted", async () => {
    const user = await createTestUser(ctx);
    expect(await accepted(user, user.password)).toBe(true); // cached by the web context
    const response = await change(
      { Authorization: basicAuth(user.username, user.password) },
      JSON.stringify({ currentPassword: user.password, newPassword: "my-new-password-42" }),
    );
    expect(response.status).toBe(204);
    expect(await accepted(user, user.password)).toBe(false);
    expect(await accepted(user, "my-new-password-42")).toBe(true);
  });

  it("answers bad bodies with 415, 400 and 422", async () => {
    const user = await createTestUser(ctx);
    const auth = { Authorization: basicAuth(user.username, user.token) };
    const textPlain = await callRoute(changePasswordRoute, {
      method: "POST",
      path: "/api/v1/account/password",
      headers: { ...auth, "Content-Type": "text/plain" },
      body: "{}",
    });
    expect(textPlain.status).toBe(415);
    expect((await change(auth, "{currentPassword:")).status).toBe(400);
    const cases: [object, string][] = [
      [{ newPassword: "long-enough-pw" }, "/currentPassword"],
      [{ currentPassword: user.password, newPassword: "short" }, "/newPassword"],
      [{ currentPassword: user.password, newPassword: user.password }, "/newPassword"],
      [{ currentPassword: user.password, newPassword: "long-enough-pw", x: 1 }, "/x"],
    ];
    for (const [body, path] of cases) {
      const response = await change(auth, JSON.stringify(body));
      expect(response.status).toBe(422);
      const problem = (await response.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).toContain(path);
    }
    expect(await accepted(user, user.password)).toBe(true);
  });

  it("refuses a session-authenticated POST without a same-origin Origin (CSRF)", async () => {
    const user = await createTestUser(ctx);
    const cookie = `next-auth.session-token=${await sessionToken(ctx, user.principal.userId)}`;
    const body = JSON.stringify({ currentPassword: user.password, newPassword: "changed-by-csrf" });
    expect((await change({ cookie }, body)).status).toBe(403);
    expect((await change({ cookie, Origin: "https://evil.example" }, body)).status).toBe(403);
    expect(await accepted(user, user.password)).toBe(true);
    expect((await change({ cookie, Origin: "http://runport.test" }, body)).status).toBe(204);
    expect(await accepted(user, "changed-by-csrf")).toBe(true);
  });
});
