import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getEvent } from "@/app/api/v1/events/[id]/route";
import { GET as listEvents, POST as postEvent } from "@/app/api/v1/events/route";
import { GET as getRuleRoute, PATCH as patchRule } from "@/app/api/v1/event-rules/[id]/route";
import { GET as listRules, POST as postRule } from "@/app/api/v1/event-rules/route";
import { GET as listRuns } from "@/app/api/v1/runs/route";
import { POST as postToken } from "@/app/api/v1/tokens/route";
import { auditEvents, eventRuns, events, runLabels, runs } from "@/db/schema";
import type { EventList, EventRuleView, EventView } from "@/lib/contract/events";
import type { Problem } from "@/lib/contract/problem";
import type { AppContext } from "@/server/context";
import { pruneEvents } from "@/server/beat/prune-events";
import { getAppContext } from "@/server/http/app-context";
import { transitionRun } from "@/server/lifecycle/transition-run";
import { RunEventFollower, type RunEventNotice } from "@/server/run-events/follow-run-events";
import { claimRun } from "@/server/runs/claim-run";
import { createApiToken } from "@/server/users/create-api-token";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow } from "@/test/runs";
import { startBeat } from "@/worker/start-beat";
import { eventChainConsumer } from "./event-chain";
import { MAX_CHAIN_DEPTH } from "./receive-event";

let ctx: AppContext;
let admin: TestUser;
let operator: TestUser;
let alice: TestUser;
let eventsToken: string;

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  [admin, operator, alice] = await Promise.all([
    createTestUser(ctx, "admin"),
    createTestUser(ctx, "operator"),
    createTestUser(ctx, "submitter"),
  ]);
  ({ token: eventsToken } = await createApiToken(ctx, {
    username: admin.username,
    name: "sequencer",
    scope: "events:write",
  }));
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

const json = { "content-type": "application/json" };
const as = (user: TestUser) => ({ authorization: basicAuth(user.username, user.token) });
const bearer = () => ({ authorization: `Bearer ${eventsToken}` });

function createRule(user: TestUser, body: object) {
  return callRoute(postRule, {
    method: "POST",
    path: "/api/v1/event-rules",
    headers: { ...as(user), ...json },
    body: JSON.stringify(body),
  });
}

async function rule(body: object): Promise<EventRuleView> {
  const response = await createRule(admin, { submitAs: alice.username, ...body });
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(201);
  return (await response.json()) as EventRuleView;
}

function post(event: object, headers: Record<string, string> = bearer()) {
  return callRoute(postEvent, {
    method: "POST",
    path: "/api/v1/events",
    headers: { ...headers, ...json },
    body: JSON.stringify(event),
  });
}

async function posted(event: object): Promise<EventView> {
  const response = await post(event);
  expect(response.status).toBe(201);
  return (await response.json()) as EventView;
}

async function runsLabelled(key: string, value: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(runLabels)
    .where(and(eq(runLabels.key, key), eq(runLabels.value, value)));
  return Number(row?.n ?? 0);
}

/** A worker's claim and exit, as the worker makes them: the run ends with `status`. */
async function finish(publicId: string, status: "succeeded" | "failed") {
  await claimRun(ctx, { publicId, worker: { workerId: "w", host: "h" }, workDirPrefix: "/x" });
  const done = await transitionRun(ctx, {
    run: { publicId },
    event: "exit",
    to: status,
    by: "worker",
    details: { reason: status },
    values: { exitCode: status === "failed" ? 1 : 0, error: null, logBytes: 0 },
  });
  expect(done.applied).toBe(true);
}

describe("event rules", () => {
  it("are changed by administrators only, read by operators, and refused when the template cannot make a valid config", async () => {
    const body = {
      name: "greet",
      eventType: "greeting_asked",
      pipeline: "hello@1.0.0",
      configTemplate: { name: "{{ /payload/who }}" },
      submitAs: alice.username,
    };
    expect((await createRule(operator, body)).status).toBe(403);
    expect((await createRule(alice, body)).status).toBe(403);
    const refused = await createRule(admin, {
      ...body,
      filter: [{ pointer: "/payload/x", matches: "(" }],
      configTemplate: { greeting: "{{ payload }}", steps: "{{ /payload/steps", colour: 1 },
    });
    expect(refused.status).toBe(422);
    const pointers = ((await refused.json()) as Problem).errors?.map((e) => e.path);
    expect(pointers).toEqual(
      expect.arrayContaining([
        "/filter/0/matches",
        "/configTemplate/greeting",
        "/configTemplate/steps",
      ]),
    );
    // Syntax right, schema wrong: a missing required field, a literal of the wrong type.
    // A substitution may become anything: not refused here (checked at each event).
    const schema = await createRule(admin, {
      ...body,
      configTemplate: { greeting: "{{ /payload/g }}", steps: "many" },
    });
    expect(schema.status).toBe(422);
    const schemaPointers = ((await schema.json()) as Problem).errors?.map((e) => e.path);
    expect(schemaPointers).toContain("/configTemplate/steps");
    expect(schemaPointers).toContain("/configTemplate/name");
    expect(schemaPointers).not.toContain("/configTemplate/greeting");
    const unknownUser = await createRule(admin, { ...body, submitAs: "nobody-here" });
    expect(((await unknownUser.json()) as Problem).errors?.[0]?.path).toBe("/submitAs");
    const saved = await rule(body);
    const patched = await callRoute(patchRule, {
      method: "PATCH",
      path: `/api/v1/event-rules/${saved.id}`,
      headers: { ...as(operator), ...json },
      params: { id: saved.id },
      body: JSON.stringify({ enabled: false }),
    });
    expect(patched.status).toBe(403);
    const read = await callRoute(listRules, { path: "/api/v1/event-rules", headers: as(operator) });
    expect(read.status).toBe(200);
  });
});

describe("editing a rule (PATCH)", () => {
  it("refuses a bad change at its field and keeps the rule; saves and audits a good one", async () => {
    const saved = await rule({
      name: "greet-edit",
      eventType: "greeting_edited",
      pipeline: "hello@1.0.0",
      configTemplate: { name: "{{ /payload/who }}" },
    });
    const patch = (body: object) =>
      callRoute(patchRule, {
        method: "PATCH",
        path: `/api/v1/event-rules/${saved.id}`,
        headers: { ...as(admin), ...json },
        params: { id: saved.id },
        body: JSON.stringify(body),
      });
    const refusals: [object, string][] = [
      [{ name: "  " }, "/name"],
      [{ pipeline: "no-such-pipeline@1.0.0" }, "/pipeline"],
      [{ submitAs: "nobody-here" }, "/submitAs"],
      [{ filter: [{ pointer: "/payload/x", matches: "(" }] }, "/filter/0/matches"],
      [{ configTemplate: { name: "{{ /payload/who }}", steps: "many" } }, "/configTemplate/steps"],
      [{ configTemplate: { name: "{{ payload }}" } }, "/configTemplate/name"],
      [{ enabled: "no" }, "/enabled"],
    ];
    for (const [body, pointer] of refusals) {
      const response = await patch(body);
      const problem = (await response.json()) as Problem;
      expect(response.status, JSON.stringify(problem)).toBe(422);
      expect(problem.errors?.map((e) => e.path)).toContain(pointer);
    }
    const get = async () =>
      (await (
        await callRoute(getRuleRoute, {
          path: `/api/v1/event-rules/${saved.id}`,
          headers: as(operator),
          params: { id: saved.id },
        })
      ).json()) as EventRuleView;
    expect(await get()).toEqual(saved); // nothing changed

    const changed = await patch({
      name: "greet-edited",
      enabled: false,
      filter: [{ pointer: "/payload/who", in: ["ada", "bob"] }],
      configTemplate: { name: "{{ /payload/who }}", greeting: "Hi" },
    });
    expect(changed.status).toBe(200);
    const view = (await changed.json()) as EventRuleView;
    expect(view).toMatchObject({
      name: "greet-edited",
      enabled: false,
      pipeline: "hello@1.0.0",
      submitAs: alice.username,
      configTemplate: { name: "{{ /payload/who }}", greeting: "Hi" },
    });
    expect(view.updatedAt).not.toBeNull();
    expect(await get()).toEqual(view);
    const audited = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, saved.id), eq(auditEvents.action, "rule.update")));
    expect(audited).toHaveLength(1);
    expect(audited[0]!.actorUsername).toBe(admin.username);
    expect((audited[0]!.details as { fields: string[] }).fields.sort()).toEqual([
      "configTemplate",
      "enabled",
      "filter",
      "name",
    ]);
  });
});

describe("event retention (EVENT_RETENTION_DAYS)", () => {
  it("removes the events received longer ago with their outcomes; their runs stay; 0 keeps all", async () => {
    await rule({
      name: "retained",
      eventType: "retention_checked",
      pipeline: "hello@1.0.0",
      configTemplate: { name: "{{ /payload/who }}" },
    });
    const old = await posted({ type: "retention_checked", id: "ret-old", payload: { who: "o" } });
    const young = await posted({ type: "retention_checked", id: "ret-new", payload: { who: "y" } });
    const oldRun = old.runs[0]?.run?.id;
    expect(oldRun).toBeTruthy();
    const DAY_MS = 24 * 3600 * 1000;
    await ctx.db
      .update(events)
      .set({ receivedAt: new Date(Date.now() - 31 * DAY_MS) })
      .where(eq(events.eventId, "ret-old"));
    const [oldRow] = await ctx.db.select().from(events).where(eq(events.eventId, "ret-old"));
    const keepAll = { db: ctx.db, config: { ...ctx.config, eventRetentionDays: 0 } };
    expect(await pruneEvents(keepAll)).toBe(0);
    const thirtyDays = { db: ctx.db, config: { ...ctx.config, eventRetentionDays: 30 } };
    expect(await pruneEvents(thirtyDays)).toBeGreaterThanOrEqual(1);
    expect(await ctx.db.select().from(events).where(eq(events.eventId, "ret-old"))).toEqual([]);
    const outcomes = await ctx.db.select().from(eventRuns).where(eq(eventRuns.eventId, oldRow!.id));
    expect(outcomes).toEqual([]);
    expect((await getRunRow(ctx, oldRun!)).publicId).toBe(oldRun); // the run stays
    const kept = await callRoute(getEvent, {
      path: `/api/v1/events/${young.id}`,
      headers: as(operator),
      params: { id: young.id },
    });
    expect(kept.status).toBe(200);
    expect(((await kept.json()) as EventView).runs).toHaveLength(young.runs.length);
    expect(await pruneEvents(thirtyDays)).toBe(0); // nothing old left
  });
});

describe("posting events", () => {
  it("an events:write token posts events and can read nothing else; others may not post", async () => {
    await rule({
      name: "auth",
      eventType: "auth_checked",
      pipeline: "hello@1.0.0",
      configTemplate: { name: "x" },
    });
    expect((await post({ type: "auth_checked", id: "auth-1" })).status).toBe(201);
    expect((await post({ type: "auth_checked", id: "auth-2" }, as(alice))).status).toBe(403);
    expect((await post({ type: "auth_checked", id: "auth-3" }, as(operator))).status).toBe(403);
    const runsRead = await callRoute(listRuns, { path: "/api/v1/runs", headers: bearer() });
    expect(runsRead.status).toBe(403);
    const eventsRead = await callRoute(listEvents, { path: "/api/v1/events", headers: bearer() });
    expect(eventsRead.status).toBe(403);
    // Only an administrator (signed in or with a password) makes a scoped token.
    const minted = await callRoute(postToken, {
      method: "POST",
      path: "/api/v1/tokens",
      headers: { authorization: basicAuth(alice.username, alice.password), ...json },
      body: JSON.stringify({ name: "mine", scope: "events:write" }),
    });
    expect(minted.status).toBe(403);
    // Runport's own run.* events cannot be posted: they would fire chaining rules with a
    // forged run and outputs.
    const forged = await post({
      type: "run.succeeded",
      id: "forged-1",
      payload: { run: "01FAKE", pipeline: "fastq-qc", outputs: [] },
    });
    expect(forged.status).toBe(422);
    expect(await forged.text()).toContain("must not start with");
    // An unknown type is 404, and nothing is stored.
    const unknown = await post({ type: "never_heard_of", id: "unknown-1" });
    expect(unknown.status).toBe(404);
    const read = await callRoute(getEvent, {
      path: "/api/v1/events/unknown-1",
      headers: as(operator),
      params: { id: "unknown-1" },
    });
    expect(read.status).toBe(404);
    // EVENTS_UNKNOWN_TYPE=accept: stored, 202, no runs.
    const config = ctx.config as { eventsUnknownType: string };
    config.eventsUnknownType = "accept";
    try {
      const accepted = await post({ type: "never_heard_of", id: "unknown-2" });
      expect(accepted.status).toBe(202);
      expect(((await accepted.json()) as EventView).runs).toEqual([]);
    } finally {
      config.eventsUnknownType = "reject";
    }
  });

  it("starts each matching rule's run once, even for 50 posts of one id at the same time", async () => {
    const first = await rule({
      name: "qc",
      eventType: "sequencing_run_finished",
      filter: [{ pointer: "/payload/platform", in: ["novaseq", "miseq"] }],
      pipeline: "hello@1.0.0",
      configTemplate: { name: "run {{ /payload/run }}", steps: "{{ /payload/lanes }}" },
    });
    const second = await rule({
      name: "qc-big",
      eventType: "sequencing_run_finished",
      filter: [
        { pointer: "/payload/lanes", equals: 8 },
        { pointer: "/payload/run", matches: "^R[0-9]+$" },
      ],
      pipeline: "hello@latest",
      configTemplate: { name: "{{ /payload/run }}" },
    });
    const event = {
      type: "sequencing_run_finished",
      id: "seq-0042",
      payload: { run: "R42", platform: "novaseq", lanes: 8 },
    };
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(event)));
    const elapsed = Date.now() - started;
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as EventView[];
    const runIds = new Set(bodies.flatMap((b) => b.runs.map((r) => r.run?.id)));
    expect(runIds.size).toBe(2);
    expect(bodies[0]!.runs.map((r) => r.rule).sort()).toEqual([first.id, second.id].sort());
    expect(await runsLabelled("event", "seq-0042")).toBe(2);
    const qc = bodies[0]!.runs.find((r) => r.rule === first.id)!;
    const run = await getRunRow(ctx, qc.run!.id);
    // A whole-string substitution keeps the JSON type (steps: 8, a number).
    expect(JSON.parse(run.config)).toEqual({ name: "run R42", steps: 8 });
    expect(run).toMatchObject({
      trigger: "event",
      userId: alice.principal.userId,
      status: "queued",
    });
    console.log(`50 concurrent posts of one event: ${elapsed} ms until all were answered`);
    // Another body under the same id is a conflict.
    expect((await post({ ...event, payload: { run: "R43" } })).status).toBe(409);
  });

  it("filters: a payload that passes no rule's filter starts nothing", async () => {
    const view = await posted({
      type: "sequencing_run_finished",
      id: "seq-0043",
      payload: { run: "X43", platform: "pacbio", lanes: 8 },
    });
    expect(view.runs).toEqual([]);
    const one = await posted({
      type: "sequencing_run_finished",
      id: "seq-0044",
      payload: { run: "R44", platform: "pacbio", lanes: 8 },
    });
    expect(one.runs.map((r) => r.ruleName)).toEqual(["qc-big"]);
  });

  it("records an event whose payload makes an invalid config as failed, with the reason", async () => {
    const started = Date.now();
    const view = await posted({
      type: "sequencing_run_finished",
      id: "seq-0045",
      payload: { run: "R45", platform: "miseq", lanes: "eight" },
    });
    const latency = Date.now() - started;
    expect(view.runs).toHaveLength(1);
    expect(view.runs[0]!.run).toBeNull();
    expect(view.runs[0]!.error).toContain("/config/steps");
    const missing = await posted({
      type: "sequencing_run_finished",
      id: "seq-0046",
      payload: { platform: "miseq", lanes: 2 },
    });
    expect(missing.runs[0]!.error).toContain("the event has no /payload/run");
    const good = Date.now();
    const ok = await posted({
      type: "sequencing_run_finished",
      id: "seq-0047",
      payload: { run: "R47", platform: "miseq", lanes: 2 },
    });
    console.log(`event → run queued: ${Date.now() - good} ms (failed event: ${latency} ms)`);
    expect(ok.runs[0]!.run?.status).toBe("queued");
    // The event page's data: each rule's run and its state.
    const read = await callRoute(getEvent, {
      path: "/api/v1/events/seq-0045",
      headers: as(operator),
      params: { id: "seq-0045" },
    });
    expect(((await read.json()) as EventView).runs[0]!.error).toContain("/config/steps");
  });
});

describe("chaining", () => {
  it("a run's end starts the rules of run.succeeded, at most once per run, up to the depth limit", async () => {
    const seen: RunEventNotice[] = [];
    const follower = new RunEventFollower({
      name: "event-chain-test",
      handle(c, notices) {
        seen.push(...notices);
        return eventChainConsumer.handle(c, notices);
      },
    });
    await follower.drain(ctx); // the cursor starts here
    await rule({
      name: "start chain",
      eventType: "chain_started",
      pipeline: "hello@1.0.0",
      configTemplate: { name: "{{ /payload/name }}" },
    });
    await rule({
      name: "after hello",
      eventType: "run.succeeded",
      filter: [{ pointer: "/payload/pipeline", equals: "hello" }],
      pipeline: "hello@1.0.0",
      configTemplate: { name: "after {{ /payload/run }}" },
    });
    const start = await posted({ type: "chain_started", id: "chain-1", payload: { name: "A" } });
    let current = start.runs[0]!.run!.id;
    const chain = [current];
    // Each succeeded run starts the next (the rule would loop forever): the guard ends it.
    for (let depth = 1; depth <= MAX_CHAIN_DEPTH + 1; depth++) {
      await finish(current, "succeeded");
      await follower.drain(ctx);
      const response = await callRoute(getEvent, {
        path: `/api/v1/events/run.succeeded:${current}`,
        headers: as(admin),
        params: { id: `run.succeeded:${current}` },
      });
      const event = (await response.json()) as EventView;
      expect(event).toMatchObject({ type: "run.succeeded", depth, sourceRun: current });
      if (depth > MAX_CHAIN_DEPTH) {
        expect(event.error).toContain("Loop guard");
        expect(event.runs).toEqual([]);
        break;
      }
      const next = event.runs[0]!.run!.id;
      expect(JSON.parse((await getRunRow(ctx, next)).config)).toEqual({ name: `after ${current}` });
      chain.push(next);
      current = next;
    }
    expect(chain).toHaveLength(MAX_CHAIN_DEPTH + 1);
    // The same run events again (a restarted beat): no rule fires twice for one run.
    const before = await ctx.db.select({ n: count() }).from(runs);
    expect(seen.filter((n) => n.toStatus === "succeeded")).toHaveLength(MAX_CHAIN_DEPTH + 1);
    await eventChainConsumer.handle(ctx, seen);
    const after = await ctx.db.select({ n: count() }).from(runs);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it("is fed by the active beat (RUN_EVENT_CONSUMERS): a run's end starts the next run at once", async () => {
    const beatCtx = createTestContext({ beatIntervalSeconds: 60 });
    const beat = startBeat(beatCtx);
    try {
      await beat.tick();
      expect(beat.isLeader()).toBe(true);
      await beat.drainRunEvents(); // the event-chain cursor starts here
      const start = await posted({ type: "chain_started", id: "chain-2", payload: { name: "B" } });
      const first = start.runs[0]!.run!.id;
      await finish(first, "succeeded");
      const ended = Date.now();
      const id = `run.succeeded:${first}`;
      let next: string | undefined;
      // The changes channel wakes the loop; its 2 s poll would too.
      for (const deadline = Date.now() + 10_000; !next && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const response = await callRoute(getEvent, {
          path: `/api/v1/events/${id}`,
          headers: as(admin),
          params: { id },
        });
        if (response.status === 200) next = ((await response.json()) as EventView).runs[0]?.run?.id;
      }
      console.log(`run succeeded → chained run queued (beat): ${Date.now() - ended} ms`);
      expect(next).toBeDefined();
      expect((await getRunRow(ctx, next!)).status).toBe("queued");
    } finally {
      await beat.stop();
    }
  });
});

describe("listing events (GET /api/v1/events)", () => {
  it("pages newest first with a cursor; a bad limit or cursor is a 400 at its pointer", async () => {
    const list = (search: string) =>
      callRoute(listEvents, { path: `/api/v1/events${search}`, headers: as(operator) });
    expect(((await (await list("")).json()) as EventList).items.length).toBeGreaterThanOrEqual(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 2; pages++) {
      const response = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as EventList;
      expect(page.items.length).toBe(2);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      expect(cursor).not.toBeNull();
    }
    // The two pages follow each other in the whole list (newer events only add to its top).
    const ids = ((await (await list("")).json()) as EventList).items.map((e) => e.id);
    const start = ids.indexOf(seen[0]!);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(seen).toEqual(ids.slice(start, start + 4));
    for (const [search, pointer] of [
      ["?cursor=abc", "/cursor"],
      ["?limit=0", "/limit"],
      ["?limit=101", "/limit"],
    ] as const) {
      const response = await list(search);
      expect(response.status).toBe(400);
      expect(((await response.json()) as Problem).errors?.map((e) => e.path)).toContain(pointer);
    }
    const refused = await callRoute(listEvents, { path: "/api/v1/events", headers: as(alice) });
    expect(refused.status).toBe(403);
  });
});
