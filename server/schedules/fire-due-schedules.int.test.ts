import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pipelines, runs, schedules, users, type ScheduleRow } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { startBeat } from "@/worker/start-beat";
import { createSchedule } from "./create-schedule";
import { latestFireAtOrBefore } from "./cron";
import { fireDueSchedules } from "./fire-due-schedules";
import { fireKey, fireSchedule } from "./fire-schedule";

// Two contexts: two beats with their own connection pools, caches and group commits.
let beatA: AppContext;
let beatB: AppContext;
let alice: TestUser;

beforeAll(async () => {
  beatA = createTestContext();
  beatB = createTestContext();
  await registerPipelines(beatA);
  alice = await createTestUser(beatA);
});

// Each test fires its own schedules only: those of earlier tests (most fire every minute,
// so they are due at any `now`) are switched off.
afterEach(async () => {
  await beatA.db.update(schedules).set({ enabled: false });
});

afterAll(async () => {
  await beatA.queue.obliterate({ force: true });
  await Promise.all([beatA.close(), beatB.close()]);
});

async function newSchedule(body: Record<string, unknown> = {}): Promise<ScheduleRow> {
  const view = await createSchedule(beatA, {
    principal: alice.principal,
    bodyText: JSON.stringify({
      name: `s-${randomBytes(3).toString("hex")}`,
      pipeline: "hello@1.0.0",
      config: { name: "cron" },
      cron: "* * * * *",
      ...body,
    }),
  });
  return readSchedule(view.id);
}

async function readSchedule(publicId: string): Promise<ScheduleRow> {
  const [row] = await beatA.db.select().from(schedules).where(eq(schedules.publicId, publicId));
  return row!;
}

/** As if the beat had been away: the schedule's next fire is `at`. */
async function setNextFire(schedule: ScheduleRow, at: Date): Promise<void> {
  await beatA.db.update(schedules).set({ nextFireAt: at }).where(eq(schedules.id, schedule.id));
}

function runsOf(schedule: ScheduleRow) {
  return beatA.db.select().from(runs).where(eq(runs.scheduleId, schedule.id)).orderBy(asc(runs.id));
}

const minute = (iso: string) => new Date(iso);

describe("firing due schedules", () => {
  it("makes exactly one run per fire when two beats fire at the same time", async () => {
    const schedule = await newSchedule();
    for (let i = 0; i < 5; i++) {
      const fire = minute(`2025-06-01T10:0${i}:00.000Z`);
      await setNextFire(schedule, fire);
      const now = new Date(fire.getTime() + 5000);
      const [a, b] = await Promise.all([
        fireDueSchedules(beatA, { now }),
        fireDueSchedules(beatB, { now }),
      ]);
      const fired = [...a.fired, ...b.fired].filter((f) => f.scheduleId === schedule.publicId);
      expect(fired.filter((f) => f.created)).toHaveLength(1);
      expect(new Set(fired.map((f) => f.runId)).size).toBe(1);
    }
    const made = await runsOf(schedule);
    expect(made).toHaveLength(5);
    expect(made[0]).toMatchObject({
      userId: alice.principal.userId,
      trigger: "schedule",
      status: "queued",
      name: schedule.name,
      labels: { schedule: schedule.publicId },
      idempotencyKey: fireKey(schedule.publicId, minute("2025-06-01T10:00:00.000Z")),
      config: '{"name":"cron"}',
    });
    const after = await readSchedule(schedule.publicId);
    expect(after).toMatchObject({
      lastFireAt: minute("2025-06-01T10:04:00.000Z"),
      lastRunId: made[4]!.id,
      nextFireAt: minute("2025-06-01T10:05:00.000Z"),
      lastError: null,
    });
  });

  it("accepts a config with an undeclared property and keeps its warning with each fire's run", async () => {
    const schedule = await newSchedule({ config: { name: "cron", colour: "red" } });
    const fire = minute("2025-06-01T10:30:00.000Z");
    await setNextFire(schedule, fire);
    await fireDueSchedules(beatA, { now: new Date(fire.getTime() + 1000) });
    const [made] = await runsOf(schedule);
    expect(made?.warnings).toEqual([
      { path: "/config/colour", message: expect.stringMatching(/^is not declared/) as string },
    ]);
  });

  it("fills a config's missing pipeline field with the version each fire runs; refuses one that disagrees", async () => {
    const example = JSON.parse(readFileSync("pipelines/fastq-qc/example.json", "utf8")) as Record<
      string,
      unknown
    >;
    const { pipeline: _, ...config } = example;
    const schedule = await newSchedule({ pipeline: "fastq-qc@1.0.0", config });
    const fire = minute("2025-06-01T10:40:00.000Z");
    await setNextFire(schedule, fire);
    await fireDueSchedules(beatA, { now: new Date(fire.getTime() + 1000) });
    const [made] = await runsOf(schedule);
    expect(JSON.parse(made!.config)).toEqual({ pipeline: "fastq-qc@1.0.0", ...config });
    expect(made!.warnings ?? []).toEqual([]);
    const refused = await newSchedule({
      pipeline: "fastq-qc@1.0.0",
      config: { ...config, pipeline: "hello@1.0.0" },
    }).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: "VALIDATION_FAILED",
      errors: expect.arrayContaining([
        expect.objectContaining({
          path: "/config/pipeline",
          message: expect.stringMatching(
            /^names hello@1.0.0, but the run is for fastq-qc@1.0.0/,
          ) as string,
        }),
      ]) as unknown[],
    });
  });

  it("makes one run when two beats hold the same due schedule and both try to fire it", async () => {
    const schedule = await newSchedule();
    const fire = minute("2025-06-01T11:00:00.000Z");
    await setNextFire(schedule, fire);
    const [due] = await beatA.db
      .select({ schedule: schedules, owner: users })
      .from(schedules)
      .innerJoin(users, eq(users.id, schedules.userId))
      .where(eq(schedules.id, schedule.id));
    const options = { now: new Date(fire.getTime() + 1000), lateAfterMs: 30_000 };
    // Both read it before either wrote: both reach createRun with the same fire key.
    const outcomes = await Promise.all([
      fireSchedule(beatA, due!, options),
      fireSchedule(beatB, due!, options),
      fireSchedule(beatB, due!, options),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(["fired", "fired", "fired"]);
    const created = outcomes.filter((o) => o.kind === "fired" && o.created);
    expect(created).toHaveLength(1);
    const made = await runsOf(schedule);
    expect(made).toHaveLength(1);
    expect(new Set(outcomes.map((o) => (o.kind === "fired" ? o.runId : null)))).toEqual(
      new Set([made[0]!.publicId]),
    );
  });

  it("makes no second run when a restarted beat handles the same fire again", async () => {
    const schedule = await newSchedule();
    const fire = minute("2025-06-02T08:00:00.000Z");
    const now = new Date(fire.getTime() + 2000);
    await setNextFire(schedule, fire);
    const first = await fireDueSchedules(beatA, { now });
    // The beat died after creating the run and before moving next_fire_at on.
    await setNextFire(schedule, fire);
    const again = await fireDueSchedules(beatB, { now });
    const mine = (f: { scheduleId: string }) => f.scheduleId === schedule.publicId;
    expect(first.fired.filter(mine)).toEqual([expect.objectContaining({ created: true })]);
    expect(again.fired.filter(mine)).toEqual([
      expect.objectContaining({ created: false, runId: first.fired.find(mine)!.runId }),
    ]);
    expect(await runsOf(schedule)).toHaveLength(1);
    expect((await readSchedule(schedule.publicId)).nextFireAt).toEqual(
      minute("2025-06-02T08:01:00.000Z"),
    );
  });

  it("after a long pause, skips the missed fire (skip) or runs it once (run_once)", async () => {
    // Yearly, on January 1st at 00:00 UTC: the latest fire is months before now.
    const yearly = { cron: "0 0 1 1 *", timeZone: "UTC" };
    const skip = await newSchedule({ ...yearly, missedPolicy: "skip" });
    const once = await newSchedule({ ...yearly, missedPolicy: "run_once" });
    const longAgo = new Date(Date.UTC(new Date().getUTCFullYear() - 3, 0, 1));
    await setNextFire(skip, longAgo);
    await setNextFire(once, longAgo);
    const now = new Date();
    const latest = new Date(Date.UTC(now.getUTCFullYear(), 0, 1));
    const next = new Date(Date.UTC(now.getUTCFullYear() + 1, 0, 1));
    const summary = await fireDueSchedules(beatA, { now });
    expect(summary.skipped).toContainEqual({
      scheduleId: skip.publicId,
      fireAt: latest.toISOString(),
    });
    expect(await runsOf(skip)).toHaveLength(0);
    const skipped = await readSchedule(skip.publicId);
    expect(skipped.nextFireAt).toEqual(next);
    expect(skipped.lastError).toMatch(/^Skipped the fire of .* \(missed-fire policy: skip\)$/);
    const made = await runsOf(once);
    expect(made).toHaveLength(1);
    expect(made[0]!.idempotencyKey).toBe(fireKey(once.publicId, latest));
    expect((await readSchedule(once.publicId)).nextFireAt).toEqual(next);
    // Nothing is due any more: the next tick does nothing for either.
    const later = await fireDueSchedules(beatB, { now: new Date(now.getTime() + 1000) });
    const ids = [skip.publicId, once.publicId];
    expect([...later.fired, ...later.skipped].filter((f) => ids.includes(f.scheduleId))).toEqual(
      [],
    );
  });

  it("fires a skip schedule that is only a little late", async () => {
    const schedule = await newSchedule({ missedPolicy: "skip" });
    const fire = minute("2025-06-03T09:00:00.000Z");
    await setNextFire(schedule, fire);
    // Up to two minutes (or eight beat intervals) is still on time: a standby beat that
    // takes over from a crashed one fires what came due meanwhile.
    await fireDueSchedules(beatA, { now: new Date(fire.getTime() + 110_000) });
    expect(await runsOf(schedule)).toHaveLength(1);
  });

  it("is part of the beat's tick", async () => {
    const schedule = await newSchedule({ missedPolicy: "run_once" });
    await setNextFire(schedule, latestFireAtOrBefore("* * * * *", "UTC", new Date())!);
    const beat = startBeat(beatA);
    await beat.tick();
    await beat.stop();
    expect(await runsOf(schedule)).toHaveLength(1);
  });

  it("never fires a disabled schedule", async () => {
    const schedule = await newSchedule({ enabled: false });
    await setNextFire(schedule, minute("2025-06-04T09:00:00.000Z"));
    await fireDueSchedules(beatA, { now: minute("2025-06-04T09:00:05.000Z") });
    expect(await runsOf(schedule)).toHaveLength(0);
    expect((await readSchedule(schedule.publicId)).lastFireAt).toBeNull();
  });
});

describe("fires that cannot make a run", () => {
  /** A pipeline of its own (so that it can change or vanish) with a schema wanting `name`. */
  async function probePipeline(name: string, schema: object): Promise<void> {
    const definition = { name, version: "1.0.0", command: ["true"] };
    await beatA.db.insert(pipelines).values({
      name,
      version: "1.0.0",
      title: name,
      description: "probe",
      schema: schema as Record<string, unknown>,
      example: null,
      definition: definition as never,
      definitionHash: randomBytes(16).toString("hex"),
      timeoutSeconds: 60,
      maxAttempts: 1,
    });
  }

  const wantsName = {
    type: "object",
    required: ["name"],
    properties: { name: { type: "string" } },
  };

  it("records last_error when the config no longer validates, and waits for the next fire", async () => {
    const name = `probe-${randomBytes(3).toString("hex")}`;
    await probePipeline(name, wantsName);
    const schedule = await newSchedule({ pipeline: `${name}@1.0.0`, config: { name: "x" } });
    // The pipeline's new definition wants a count the stored config lacks.
    await beatA.db
      .update(pipelines)
      .set({
        schema: { ...wantsName, required: ["name", "count"] },
        definitionHash: randomBytes(16).toString("hex"),
      })
      .where(eq(pipelines.name, name));
    const fire = minute("2025-06-05T09:00:00.000Z");
    await setNextFire(schedule, fire);
    const now = new Date(fire.getTime() + 1000);
    // beatB: its pipeline cache has not seen the old definition.
    const summary = await fireDueSchedules(beatB, { now });
    expect(summary.failed).toContainEqual({
      scheduleId: schedule.publicId,
      error: expect.stringContaining("/config/count is required") as string,
    });
    const after = await readSchedule(schedule.publicId);
    expect(after.lastError).toBe(
      `No run for the fire of 2025-06-05T09:00:00.000Z: The config does not match the schema of ${name}@1.0.0: 1 problem; /config/count is required`,
    );
    expect(after.nextFireAt).toEqual(minute("2025-06-05T09:01:00.000Z"));
    expect(await runsOf(schedule)).toHaveLength(0);
    // Not retried every tick: the next tick at the same moment has nothing to do.
    const again = await fireDueSchedules(beatB, { now });
    expect(again.failed.filter((f) => f.scheduleId === schedule.publicId)).toEqual([]);
  });

  it("records last_error when the pipeline is gone or the owner may no longer submit", async () => {
    const name = `gone-${randomBytes(3).toString("hex")}`;
    await probePipeline(name, wantsName);
    const gone = await newSchedule({ pipeline: `${name}@1.0.0`, config: { name: "x" } });
    await beatA.db.delete(pipelines).where(eq(pipelines.name, name));
    const carol = await createTestUser(beatA);
    const view = await createSchedule(beatA, {
      principal: carol.principal,
      bodyText: JSON.stringify({
        name: "c",
        pipeline: "hello",
        config: { name: "c" },
        cron: "* * * * *",
      }),
    });
    const demoted = await readSchedule(view.id);
    await beatA.db
      .update(users)
      .set({ role: "viewer" })
      .where(eq(users.id, carol.principal.userId));
    const fire = minute("2025-06-06T09:00:00.000Z");
    await setNextFire(gone, fire);
    await setNextFire(demoted, fire);
    await fireDueSchedules(beatB, { now: new Date(fire.getTime() + 1000) });
    expect((await readSchedule(gone.publicId)).lastError).toContain(
      `There is no pipeline named "${name}"`,
    );
    expect((await readSchedule(demoted.publicId)).lastError).toContain(
      `the owner "${carol.username}" has the role viewer, which cannot submit runs`,
    );
    expect([...(await runsOf(gone)), ...(await runsOf(demoted))]).toHaveLength(0);
  });
});

describe("a fire whose key is taken (issue 10, finding 6)", () => {
  it("fails that fire with the reason and moves on to the next, never stalling", async () => {
    const schedule = await newSchedule({ missedPolicy: "run_once" });
    const fire = minute("2025-06-02T08:00:00.000Z");
    await setNextFire(schedule, fire);
    // A run of the owner's that holds the fire's key with another request (as one planted
    // before keys beginning with "schedule:" were reserved could).
    const planted = await getRunRow(
      beatA,
      await submit(beatA, alice.principal, "hello", { name: "p" }),
    );
    await beatA.db
      .update(runs)
      .set({ idempotencyKey: fireKey(schedule.publicId, fire), requestHash: "another request" })
      .where(eq(runs.id, planted.id));
    await fireDueSchedules(beatA, { now: new Date(fire.getTime() + 5000) });
    const after = await readSchedule(schedule.publicId);
    expect(after.nextFireAt?.getTime()).toBe(fire.getTime() + 60_000);
    expect(after.lastError).toMatch(
      /^No run for the fire of 2025-06-02T08:00:00.000Z: .*already used/,
    );
    expect(await runsOf(schedule)).toHaveLength(0);
  });
});
