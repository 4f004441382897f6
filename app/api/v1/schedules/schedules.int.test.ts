import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE, GET as getOne, PATCH } from "@/app/api/v1/schedules/[id]/route";
import { GET as list, POST } from "@/app/api/v1/schedules/route";
import type { ScheduleList, ScheduleView } from "@/lib/contract/schedules";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";

let ctx: AppContext;
let alice: TestUser;
let bob: TestUser;
let operator: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  [alice, bob, operator, viewer] = await Promise.all([
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "operator"),
    createTestUser(ctx, "viewer"),
  ]);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

const auth = (user: TestUser) => ({ authorization: basicAuth(user.username, user.token) });
const json = { "content-type": "application/json" };
const body = {
  name: "weekday hello",
  pipeline: "hello@1.0.0",
  config: { name: "world" },
  cron: "0 7 * * 1-5",
  timeZone: "Europe/Berlin",
  missedPolicy: "run_once",
};

function post(user: TestUser, payload: unknown) {
  return callRoute(POST, {
    method: "POST",
    path: "/api/v1/schedules",
    headers: { ...auth(user), ...json },
    body: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
}

function one(method: "GET" | "PATCH" | "DELETE", user: TestUser, id: string, payload?: object) {
  const handler = method === "GET" ? getOne : method === "PATCH" ? PATCH : DELETE;
  return callRoute(handler, {
    method,
    path: `/api/v1/schedules/${id}`,
    headers: { ...auth(user), ...(payload ? json : {}) },
    params: { id },
    ...(payload ? { body: JSON.stringify(payload) } : {}),
  });
}

async function created(user: TestUser): Promise<ScheduleView> {
  const response = await post(user, body);
  expect(response.status).toBe(201);
  return (await response.json()) as ScheduleView;
}

describe("the schedules API", () => {
  it("creates a schedule: 201 with Location, then GET and list show it", async () => {
    const response = await post(alice, body);
    expect(response.status).toBe(201);
    const schedule = (await response.json()) as ScheduleView;
    expect(response.headers.get("location")).toBe(`/api/v1/schedules/${schedule.id}`);
    expect(schedule).toMatchObject({
      owner: alice.username,
      missedPolicy: "run_once",
      enabled: true,
      description: "at 07:00 on Monday to Friday",
    });
    expect(Date.parse(schedule.nextFireAt!)).toBeGreaterThan(Date.now());
    expect(await (await one("GET", alice, schedule.id)).json()).toEqual(schedule);
    const listed = (await (
      await callRoute(list, { path: "/api/v1/schedules", headers: auth(alice) })
    ).json()) as ScheduleList;
    expect(listed.items.map((s) => s.id)).toContain(schedule.id);
  });

  it("answers bad input precisely and stores nothing", async () => {
    const cron = await post(alice, { ...body, cron: "0 7 * * 9" });
    expect(cron.status).toBe(422);
    const problem = (await cron.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors[0]).toMatchObject({
      path: "/cron",
      message: expect.stringContaining("day-of-week field") as string,
    });
    const zone = await post(alice, { ...body, timeZone: "Berlin" });
    expect(zone.status).toBe(422);
    expect(((await zone.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe(
      "/timeZone",
    );
    const config = await post(alice, { ...body, config: { greeting: "hi" } });
    expect(config.status).toBe(422);
    expect(((await config.json()) as { errors: { path: string }[] }).errors).toEqual([
      expect.objectContaining({ path: "/config/name", line: 1 }),
    ]);
    expect((await post(alice, '{"name": "x",')).status).toBe(400);
    const noType = await callRoute(POST, {
      method: "POST",
      path: "/api/v1/schedules",
      headers: auth(alice),
      body: JSON.stringify(body),
    });
    expect(noType.status).toBe(415);
    const anonymous = await callRoute(list, { path: "/api/v1/schedules" });
    expect(anonymous.status).toBe(401);
  });

  it("keeps other submitters out, lets viewers read only, operators manage all", async () => {
    const schedule = await created(alice);
    expect((await one("GET", bob, schedule.id)).status).toBe(403);
    expect((await one("PATCH", bob, schedule.id, { enabled: false })).status).toBe(403);
    expect((await one("DELETE", bob, schedule.id)).status).toBe(403);
    const bobsList = (await (
      await callRoute(list, { path: "/api/v1/schedules", headers: auth(bob) })
    ).json()) as ScheduleList;
    expect(bobsList.items.map((s) => s.id)).not.toContain(schedule.id);

    expect((await post(viewer, body)).status).toBe(403);
    expect((await one("GET", viewer, schedule.id)).status).toBe(200);
    expect((await one("PATCH", viewer, schedule.id, { enabled: false })).status).toBe(403);
    expect((await one("DELETE", viewer, schedule.id)).status).toBe(403);

    const disabled = await one("PATCH", operator, schedule.id, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(await disabled.json()).toMatchObject({ enabled: false, nextFireAt: null });
    expect((await one("GET", alice, "no-such-schedule")).status).toBe(404);
  });

  it("lets the owner change and delete a schedule", async () => {
    const schedule = await created(alice);
    const changed = await one("PATCH", alice, schedule.id, { cron: "*/30 * * * *", name: "often" });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({
      cron: "*/30 * * * *",
      name: "often",
      description: "every 30 minutes",
    });
    const bad = await one("PATCH", alice, schedule.id, { config: { name: 1 } });
    expect(bad.status).toBe(422);
    expect((await one("DELETE", alice, schedule.id)).status).toBe(204);
    expect((await one("GET", alice, schedule.id)).status).toBe(404);
  });
});
