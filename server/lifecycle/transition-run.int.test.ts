import { asc, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as cancelRoute } from "@/app/api/v1/runs/[id]/cancel/route";
import { POST as releaseRoute } from "@/app/api/v1/runs/[id]/release/route";
import { POST as retryRoute } from "@/app/api/v1/runs/[id]/retry/route";
import { runAttempts, runEvents, runs, type RunRow } from "@/db/schema";
import { RUN_STATUSES, type RunStatus } from "@/lib/run-status";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { claimRun } from "@/server/runs/claim-run";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import {
  RUN_TRANSITIONS,
  isFinished,
  transitionFrom,
  transitionTo,
  type RunEvent,
  type RunTransition,
} from "./run-transitions";
import { transitionRun } from "./transition-run";

const RUN_EVENTS = [...new Set(RUN_TRANSITIONS.map((t) => t.event))];

let ctx: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = getAppContext(); // the routes' own context
  await registerPipelines(ctx);
  alice = await createTestUser(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

const DETAILS = {
  user: "u",
  trigger: "api",
  host: "h",
  worker: "w",
  reason: "r",
  next: 2,
  max: 2,
  delay: 5,
};
const VALUES = { exitCode: 3, error: "boom", logBytes: 42 };

/** A run of Alice's put straight into `status` (attempt 1 as if claimed once). */
async function runIn(status: RunStatus): Promise<RunRow> {
  const id = await submit(ctx, alice.principal, "hello", { name: status }, { hold: true });
  await ctx.db.update(runs).set({ status, attempt: 1 }).where(eq(runs.publicId, id));
  return getRunRow(ctx, id);
}

async function eventsOf(run: RunRow) {
  return ctx.db
    .select()
    .from(runEvents)
    .where(eq(runEvents.runId, run.id))
    .orderBy(asc(runEvents.id));
}

/** The run's row and events, to show that a refusal changed nothing. */
async function snapshot(run: RunRow) {
  const [row, events] = await Promise.all([getRunRow(ctx, run.publicId), eventsOf(run)]);
  const [attempts] = await ctx.db
    .select({ n: count() })
    .from(runAttempts)
    .where(eq(runAttempts.runId, run.id));
  return { row, events, attempts: attempts?.n };
}

/** Fires `event` → `to` as the table's first actor for it (any actor where the table has no row). */
function fire(run: RunRow, event: RunEvent, to: RunStatus, extra: { attempt?: number } = {}) {
  const by = transitionTo(event, to)?.by[0] ?? "worker";
  return transitionRun(ctx, {
    run: { id: run.id },
    event,
    to,
    by,
    details: DETAILS,
    values: VALUES,
    actorUserId: alice.principal.userId,
    ...extra,
  });
}

function expectFieldsSet(t: RunTransition, before: RunRow, after: RunRow) {
  for (const [field, rule] of Object.entries(t.set) as [keyof RunRow, string][]) {
    const expected =
      rule === "null"
        ? null
        : rule === "+1"
          ? (before[field] as number) + 1
          : rule === "given"
            ? VALUES[field as keyof typeof VALUES]
            : after.updatedAt; // "now": the transition's time, as updated_at
    expect([field, after[field]]).toEqual([field, expected]);
  }
}

const moves = RUN_TRANSITIONS.filter((t) => t.from.length > 0);

describe("the run state machine, walked over the whole table", () => {
  it.each(moves.flatMap((t) => t.from.map((from) => [t.event, from, t.to, t] as const)))(
    "%s: %s → %s works, with one event row",
    async (event, from, to, t) => {
      const run = await runIn(from);
      const events = await eventsOf(run);
      const result = await fire(run, event, to);
      expect(result).toEqual({
        applied: true,
        from,
        attempt: run.attempt + (event === "claim" ? 1 : 0),
      });
      const after = await getRunRow(ctx, run.publicId);
      expect(after.status).toBe(to);
      expectFieldsSet(t, run, after);
      const added = (await eventsOf(run)).slice(events.length);
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ fromStatus: from, toStatus: to, attempt: after.attempt });
      expect(added[0]!.message).toBe(
        t.message.replace(/\{(\w+)\}/g, (_, name: string) =>
          name === "attempt"
            ? String(after.attempt)
            : String(DETAILS[name as keyof typeof DETAILS]),
        ),
      );
    },
  );

  it.each(RUN_STATUSES)(
    "refuses every other (event, to) from %s and changes nothing",
    async (from) => {
      const run = await runIn(from);
      const before = await snapshot(run);
      let refused = 0;
      for (const event of RUN_EVENTS) {
        for (const to of RUN_STATUSES) {
          if (transitionTo(event, to)?.from.includes(from)) continue;
          expect([event, to, await fire(run, event, to)]).toEqual([event, to, { applied: false }]);
          refused++;
        }
      }
      expect(refused).toBeGreaterThan(RUN_EVENTS.length * (RUN_STATUSES.length - 2));
      expect(await snapshot(run)).toEqual(before);
    },
  );

  it("ends an attempt only while the run is at that attempt, and only by its actors", async () => {
    const run = await runIn("running");
    const before = await snapshot(run);
    expect(await fire(run, "exit", "failed", { attempt: 2 })).toEqual({ applied: false });
    expect(await snapshot(run)).toEqual(before);
    await expect(
      transitionRun(ctx, {
        run,
        event: "cancel",
        to: "cancelling",
        by: "worker",
        details: DETAILS,
      }),
    ).rejects.toThrow(/a worker cannot cause cancel/);
    expect((await fire(run, "exit", "failed", { attempt: 1 })).applied).toBe(true);
  });

  it.each(RUN_STATUSES.filter((s) => s !== "queued"))(
    "claims a run only when it is queued: not from %s (no attempt row either)",
    async (from) => {
      const run = await runIn(from);
      const before = await snapshot(run);
      const worker = { workerId: "w", host: "h" };
      expect(
        await claimRun(ctx, { publicId: run.publicId, worker, workDirPrefix: "/tmp/x-" }),
      ).toBeNull();
      expect(await snapshot(run)).toEqual(before);
    },
  );
});

describe("the user's transitions through the API", () => {
  const as = { Authorization: "" };
  beforeAll(() => {
    as.Authorization = basicAuth(alice.username, alice.token);
  });
  const post = (route: typeof cancelRoute, run: RunRow) =>
    callRoute(route, { method: "POST", path: "/", headers: as, params: { id: run.publicId } });

  it.each(RUN_STATUSES)("cancel from %s", async (from) => {
    const run = await runIn(from);
    const before = await snapshot(run);
    const response = await post(cancelRoute, run);
    const t = transitionFrom("cancel", from);
    if (!t) {
      const body = (await response.json()) as { status: unknown; code?: string };
      // A second cancel of a run being cancelled answers as the first did.
      expect([response.status, body]).toEqual(
        from === "cancelling"
          ? [202, { status: "cancelling" }]
          : [
              409,
              expect.objectContaining({
                code: "CONFLICT",
                detail: `The run has already finished: it is ${from}`,
              }),
            ],
      );
      expect(await snapshot(run)).toEqual(before);
      return;
    }
    expect([response.status, await response.json()]).toEqual([202, { status: t.to }]);
    const added = (await eventsOf(run)).slice(before.events.length);
    expect(added).toMatchObject([
      {
        fromStatus: from,
        toStatus: t.to,
        actorUserId: alice.principal.userId,
        message: `cancelled by ${alice.username}`,
      },
    ]);
  });

  it.each(RUN_STATUSES)("release from %s", async (from) => {
    const run = await runIn(from);
    const before = await snapshot(run);
    const response = await post(releaseRoute, run);
    if (from === "held") {
      expect(response.status).toBe(200);
      expect((await getRunRow(ctx, run.publicId)).status).toBe("queued");
      return;
    }
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({
      detail: `Only a held run can be released; this one is ${from}`,
    });
    expect(await snapshot(run)).toEqual(before);
  });

  it.each(RUN_STATUSES)("retry from %s", async (from) => {
    const run = await runIn(from);
    const before = await snapshot(run);
    const [mine] = await ctx.db
      .select({ n: count() })
      .from(runs)
      .where(eq(runs.userId, alice.principal.userId));
    const response = await post(retryRoute, run);
    expect(response.status).toBe(isFinished(from) ? 201 : 409);
    const [now] = await ctx.db
      .select({ n: count() })
      .from(runs)
      .where(eq(runs.userId, alice.principal.userId));
    expect(now!.n - mine!.n).toBe(isFinished(from) ? 1 : 0);
    expect(await snapshot(run)).toEqual(before);
  });
});
