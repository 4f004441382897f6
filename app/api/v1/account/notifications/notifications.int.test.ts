import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, PATCH } from "@/app/api/v1/account/notifications/route";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";

let ctx: AppContext;
let user: TestUser;

beforeAll(async () => {
  ctx = getAppContext();
  user = await createTestUser(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

const auth = () => ({ Authorization: basicAuth(user.username, user.token) });
const read = async (): Promise<unknown> =>
  (await callRoute(GET, { path: "/api/v1/account/notifications", headers: auth() })).json();
const patch = (body: unknown) =>
  callRoute(PATCH, {
    method: "PATCH",
    path: "/api/v1/account/notifications",
    headers: { ...auth(), "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

describe("/api/v1/account/notifications", () => {
  it("shows the pipelines' defaults until the user chooses, then the choice", async () => {
    expect(await read()).toEqual({
      email: null,
      emailStatuses: null,
      defaultStatuses: ["succeeded", "failed", "error"],
      enabled: Boolean(ctx.config.mail.smtpUrl),
    });
    const response = await patch({ email: "me@example.org", emailStatuses: ["failed", "error"] });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      email: "me@example.org",
      emailStatuses: ["failed", "error"],
    });
    expect(await (await patch({ emailStatuses: null })).json()).toMatchObject({
      email: "me@example.org",
      emailStatuses: null,
    });
  });

  it("refuses a bad address, status or property with a pointer, and changes nothing", async () => {
    await patch({ email: "kept@example.org", emailStatuses: ["failed"] });
    const cases: [unknown, string][] = [
      [{ email: "not an address", emailStatuses: [] }, "/email"],
      [{ emailStatuses: ["failed", "running"] }, "/emailStatuses/1"],
      [{ emailStatuses: ["failed", "failed"] }, "/emailStatuses"],
      [{ webhook: "x" }, "/webhook"],
    ];
    for (const [body, pointer] of cases) {
      const response = await patch(body);
      expect(response.status).toBe(422);
      const problem = (await response.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).toContain(pointer);
    }
    expect(await read()).toMatchObject({ email: "kept@example.org", emailStatuses: ["failed"] });
  });
});
