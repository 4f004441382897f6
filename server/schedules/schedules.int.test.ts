import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schedules } from "@/db/schema";
import type { Principal } from "@/server/auth/principal";
import type { AppContext } from "@/server/context";
import { AppError } from "@/server/errors";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { createSchedule } from "./create-schedule";
import { deleteSchedule } from "./delete-schedule";
import { getSchedule } from "./get-schedule";
import { listSchedules } from "./list-schedules";
import { updateSchedule } from "./update-schedule";

let ctx: AppContext;
let alice: TestUser;
let bob: TestUser;
let operator: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  ctx = createTestContext();
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
  await ctx.close();
});

const valid = {
  name: "nightly hello",
  pipeline: "hello@1.0.0",
  config: { name: "world" },
  cron: "0 9 * * 1-5",
  timeZone: "Europe/Paris",
};

function create(principal: Principal, body: object, now?: Date) {
  return createSchedule(ctx, {
    principal,
    bodyText: JSON.stringify(body, null, 2),
    ...(now ? { now } : {}),
  });
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("creating a schedule", () => {
  it("stores it with the next fire computed in its time zone", async () => {
    // Saturday noon; the next weekday 09:00 in Paris is Monday, after the switch to summer time.
    const now = new Date("2025-03-29T12:00:00Z");
    const view = await create(alice.principal, valid, now);
    expect(view).toMatchObject({
      name: "nightly hello",
      owner: alice.username,
      pipeline: "hello@1.0.0",
      config: { name: "world" },
      cron: "0 9 * * 1-5",
      description: "at 09:00 on Monday to Friday",
      timeZone: "Europe/Paris",
      enabled: true,
      missedPolicy: "skip",
      nextFireAt: "2025-03-31T07:00:00.000Z",
      lastFireAt: null,
      lastRun: null,
    });
    expect(await getSchedule(ctx, { principal: alice.principal, scheduleId: view.id })).toEqual(
      view,
    );
  });

  it("names the cron field at fault, the time zone, and both at once", async () => {
    const cron = await refusal(create(alice.principal, { ...valid, cron: "0 25 * * *" }));
    expect(cron.code).toBe("VALIDATION_FAILED");
    expect(cron.errors).toEqual([
      expect.objectContaining({
        path: "/cron",
        message: expect.stringContaining('the hour field "25"') as string,
        line: 7,
      }),
    ]);
    const fields = await refusal(create(alice.principal, { ...valid, cron: "0 9 * *" }));
    expect(fields.errors?.[0]?.message).toContain("must have 5 fields");
    const both = await refusal(
      create(alice.principal, { ...valid, cron: "99 * * * *", timeZone: "Europe/Atlantis" }),
    );
    expect(both.errors?.map((e) => e.path)).toEqual(["/cron", "/timeZone"]);
  });

  it("validates the config against the pipeline's schema with JSON Pointers and positions", async () => {
    const error = await refusal(
      // An undeclared property only warns (unknownProperties: warn); a likely typo is an error.
      create(alice.principal, { ...valid, config: { name: 5, nmae: "red" } }),
    );
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toBe("The config does not match the schema of hello@1.0.0: 2 problems");
    expect(error.errors).toEqual([
      { path: "/config/name", message: "must be a string, not an integer", line: 5, column: 13 },
      expect.objectContaining({ path: "/config/nmae", line: 6, column: 5 }),
    ]);
    const pipeline = await refusal(create(alice.principal, { ...valid, pipeline: "nope@1.0.0" }));
    expect(pipeline.code).toBe("UNKNOWN_PIPELINE");
    expect(pipeline.errors?.[0]?.path).toBe("/pipeline");
    const { config: _, ...noConfig } = valid;
    const missing = await refusal(create(alice.principal, noConfig));
    expect(missing.errors).toEqual([
      expect.objectContaining({
        path: "/config",
        message: expect.stringMatching(/^is required/) as string,
      }),
    ]);
    const unknown = await refusal(create(alice.principal, { ...valid, colour: "red" }));
    expect(unknown.errors?.[0]).toMatchObject({
      path: "/colour",
      message: "is not an allowed property",
    });
  });

  it("stores a bare pipeline name as name@latest, and the config text as sent", async () => {
    const view = await create(alice.principal, { ...valid, pipeline: "hello" });
    expect(view.pipeline).toBe("hello@latest");
    const [row] = await ctx.db.select().from(schedules).where(eq(schedules.publicId, view.id));
    expect(row?.config).toBe('{\n    "name": "world"\n  }');
  });

  it("is refused to viewers", async () => {
    expect((await refusal(create(viewer.principal, valid))).code).toBe("FORBIDDEN");
  });
});

describe("changing a schedule", () => {
  it("disables and re-enables it, recomputing the next fire from now", async () => {
    const created = await create(alice.principal, valid);
    const scheduleId = created.id;
    const off = await updateSchedule(ctx, {
      principal: alice.principal,
      scheduleId,
      bodyText: JSON.stringify({ enabled: false }),
    });
    expect(off).toMatchObject({ enabled: false, nextFireAt: null });
    const on = await updateSchedule(ctx, {
      principal: alice.principal,
      scheduleId,
      bodyText: JSON.stringify({ enabled: true, cron: "30 6 * * *", timeZone: "UTC" }),
      now: new Date("2025-01-01T07:00:00Z"),
    });
    expect(on).toMatchObject({
      enabled: true,
      cron: "30 6 * * *",
      nextFireAt: "2025-01-02T06:30:00.000Z",
    });
  });

  it("checks a new pipeline against the stored config, and a new config against the pipeline", async () => {
    const { id: scheduleId } = await create(alice.principal, valid);
    const update = (body: object) =>
      updateSchedule(ctx, {
        principal: alice.principal,
        scheduleId,
        bodyText: JSON.stringify(body),
      });
    const config = await refusal(update({ config: { name: "" } }));
    expect(config.errors?.[0]?.path).toBe("/config/name");
    const pipeline = await refusal(update({ pipeline: "fastq-qc@latest" }));
    expect(pipeline.code).toBe("VALIDATION_FAILED");
    expect(pipeline.errors?.[0]?.path).toMatch(/^\/config/);
    const renamed = await update({
      name: "renamed",
      config: { name: "Ada" },
      missedPolicy: "run_once",
    });
    expect(renamed).toMatchObject({
      name: "renamed",
      config: { name: "Ada" },
      missedPolicy: "run_once",
    });
  });

  it("lets owners, admins and operators change it; others not", async () => {
    const { id: scheduleId } = await create(alice.principal, valid);
    const body = JSON.stringify({ name: "by someone" });
    for (const who of [bob, viewer]) {
      const error = await refusal(
        updateSchedule(ctx, { principal: who.principal, scheduleId, bodyText: body }),
      );
      expect(error.code).toBe("FORBIDDEN");
      expect(
        (await refusal(deleteSchedule(ctx, { principal: who.principal, scheduleId }))).code,
      ).toBe("FORBIDDEN");
    }
    expect((await refusal(getSchedule(ctx, { principal: bob.principal, scheduleId }))).code).toBe(
      "FORBIDDEN",
    );
    expect(await getSchedule(ctx, { principal: viewer.principal, scheduleId })).toMatchObject({
      id: scheduleId,
    });
    const changed = await updateSchedule(ctx, {
      principal: operator.principal,
      scheduleId,
      bodyText: body,
    });
    expect(changed).toMatchObject({ name: "by someone", owner: alice.username });
    // What the owner's runs run stays the owner's to decide.
    const config = JSON.stringify({ config: { name: "operator's" } });
    expect(
      (
        await refusal(
          updateSchedule(ctx, { principal: operator.principal, scheduleId, bodyText: config }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    await deleteSchedule(ctx, { principal: operator.principal, scheduleId });
    expect((await refusal(getSchedule(ctx, { principal: alice.principal, scheduleId }))).code).toBe(
      "NOT_FOUND",
    );
  });
});

describe("listing schedules", () => {
  it("shows submitters their own and every other role all", async () => {
    const bobs = await create(bob.principal, { ...valid, name: "bob's" });
    const own = await listSchedules(ctx, { principal: bob.principal });
    expect(own.items.map((s) => s.id)).toEqual([bobs.id]);
    const all = await listSchedules(ctx, { principal: viewer.principal });
    expect(all.items.map((s) => s.owner)).toEqual(
      expect.arrayContaining([alice.username, bob.username]),
    );
  });
});
