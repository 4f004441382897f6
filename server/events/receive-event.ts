import { createHash } from "node:crypto";
import { and, desc, eq, inArray, isNull, lt } from "drizzle-orm";
import {
  eventRules,
  eventRuns,
  events,
  runs,
  users,
  type EventRow,
  type EventRuleRow,
} from "@/db/schema";
import type {
  EventCondition,
  EventList,
  EventView,
  TEventRequest,
  TListEventsQuery,
} from "@/lib/contract/events";
import { canSeeAllRuns, canSubmit } from "@/lib/roles";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { createRun } from "../runs/create-run";
import { isDuplicateKey } from "../runs/is-duplicate-key";
import { checkScheduleTarget, scheduleConfigText } from "../schedules/check-schedule";
import { passesFilter, renderTemplate, type EventDocument } from "./template";

/**
 * How deep a chain of run events may go: a posted event is depth 0, the run.succeeded of
 * a run it started depth 1, and so on. An event deeper than this is recorded with the
 * loop guard's reason and starts nothing.
 */
export const MAX_CHAIN_DEPTH = 5;

/** How long a second post of an event waits for the first one's outcome before doing it too. */
const REPLAY_WAIT_MS = 10_000;

type Ctx = AppContext;

interface NewEvent {
  eventId: string;
  type: string;
  payload: Record<string, unknown>;
  depth: number;
  sourceRunId: number | null;
  postedBy: number | null;
  error: string | null;
}

const bodyHash = (type: string, payload: unknown) =>
  createHash("sha256")
    .update(JSON.stringify([type, payload]))
    .digest("hex");

/**
 * Stores the event, or finds it when its id was stored before: the row is inserted
 * first, and its unique id decides which of concurrent posts starts the rules.
 */
export async function recordEvent(
  ctx: Pick<AppContext, "db">,
  event: NewEvent,
): Promise<{ row: EventRow; created: boolean }> {
  const row = {
    eventId: event.eventId,
    type: event.type,
    payload: JSON.stringify(event.payload),
    bodyHash: bodyHash(event.type, event.payload),
    depth: event.depth,
    sourceRunId: event.sourceRunId,
    error: event.error,
    postedBy: event.postedBy,
    receivedAt: new Date(),
    processedAt: null,
  };
  try {
    const [result] = await ctx.db.insert(events).values(row);
    return { row: { ...row, id: result.insertId }, created: true };
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  const [existing] = await ctx.db.select().from(events).where(eq(events.eventId, event.eventId));
  if (!existing) throw new Error(`event ${event.eventId} vanished after a duplicate key`);
  return { row: existing, created: false };
}

function ownerProblem(
  owner: { username: string; role: Principal["role"]; disabledAt: Date | null } | undefined,
) {
  if (!owner) return "the rule's user no longer exists";
  if (owner.disabledAt) return `the rule's user "${owner.username}" is disabled`;
  if (!canSubmit(owner.role)) return `the rule's user "${owner.username}" cannot submit runs`;
  return null;
}

function describeFailure(error: unknown): string {
  if (!(error instanceof AppError)) throw error; // the database: the caller retries
  const items = (error.errors ?? []).slice(0, 5).map((e) => `${e.path} ${e.message}`);
  return [error.message, ...items].join("; ");
}

/** Starts one rule's run for an event: its run id, or why there is none. */
async function startRule(
  ctx: Ctx,
  rule: EventRuleRow,
  event: EventRow,
  doc: EventDocument,
): Promise<{ runId: number | null; error: string | null }> {
  const [owner] = await ctx.db
    .select({
      id: users.id,
      username: users.username,
      role: users.role,
      disabledAt: users.disabledAt,
    })
    .from(users)
    .where(eq(users.id, rule.userId));
  const problem = ownerProblem(owner);
  if (problem || !owner) return { runId: null, error: problem };
  const rendered = renderTemplate(JSON.parse(rule.configTemplate), doc);
  if (rendered.problems.length > 0) {
    const list = rendered.problems.map((p) => `/config${p.path}: ${p.message}`).join("; ");
    return { runId: null, error: `The config template could not be filled: ${list}` };
  }
  try {
    const { pipeline, warnings } = await checkScheduleTarget(
      ctx,
      { pipeline: rule.pipeline, config: rendered.config },
      undefined,
      owner.id,
    );
    const filled = await scheduleConfigText(ctx, pipeline, JSON.stringify(rendered.config));
    const key = `event:${event.id}:${rule.publicId}`;
    const { run } = await createRun(ctx, {
      principal: { userId: owner.id, username: owner.username, role: owner.role, via: "token" },
      pipeline,
      configText: filled.configText,
      name: rule.name,
      labels: { event: event.eventId.slice(0, 255), rule: rule.publicId },
      hold: false,
      trigger: "event",
      idempotency: { key, requestHash: createHash("sha256").update(key).digest("hex") },
      warnings,
    });
    return { runId: run.id, error: null };
  } catch (error) {
    return { runId: null, error: describeFailure(error).slice(0, 1000) };
  }
}

/**
 * Tries every enabled rule of the event's type whose filter passes, once each: an
 * outcome already recorded (an earlier, interrupted try) is kept. Then marks the event
 * processed. Safe to run twice at once: runs carry an idempotency key per event and rule.
 */
export async function processEvent(ctx: Ctx, event: EventRow): Promise<void> {
  if (event.processedAt) return;
  if (!event.error) {
    const doc: EventDocument = {
      type: event.type,
      id: event.eventId,
      payload: JSON.parse(event.payload) as Record<string, unknown>,
    };
    const rules = await ctx.db
      .select()
      .from(eventRules)
      .where(and(eq(eventRules.eventType, event.type), eq(eventRules.enabled, true)));
    const done = new Set(
      (
        await ctx.db
          .select({ rule: eventRuns.rulePublicId })
          .from(eventRuns)
          .where(eq(eventRuns.eventId, event.id))
      ).map((r) => r.rule),
    );
    for (const rule of rules) {
      if (done.has(rule.publicId)) continue;
      if (!passesFilter(JSON.parse(rule.filter) as EventCondition[], doc)) continue;
      const outcome = await startRule(ctx, rule, event, doc);
      await ctx.db
        .insert(eventRuns)
        .values({ eventId: event.id, rulePublicId: rule.publicId, ...outcome })
        .onDuplicateKeyUpdate({ set: { rulePublicId: rule.publicId } });
    }
  }
  await ctx.db
    .update(events)
    .set({ processedAt: new Date() })
    .where(and(eq(events.id, event.id), isNull(events.processedAt)));
}

/** May post events: a token with the events:write scope, or an administrator. */
function requirePoster(principal: Principal): void {
  if (principal.scope === "events:write" || principal.role === "admin") return;
  throw new AppError(
    "FORBIDDEN",
    "Posting events needs an API token with the events:write scope (or an administrator)",
  );
}

/**
 * POST /api/v1/events: stores the event once (its id is unique) and starts the runs of
 * the rules it matches. A type no rule names is 404. The same id again starts nothing
 * new and answers the first outcome (waiting for it while the first post is still at
 * work); the same id with another type or payload is 409.
 */
export async function receiveEvent(
  ctx: Ctx,
  options: { principal: Principal; event: Required<TEventRequest> },
): Promise<{ view: EventView; created: boolean; knownType: boolean }> {
  requirePoster(options.principal);
  const { event } = options;
  const [known] = await ctx.db
    .select({ id: eventRules.id })
    .from(eventRules)
    .where(eq(eventRules.eventType, event.type))
    .limit(1);
  if (!known && ctx.config.eventsUnknownType !== "accept") {
    throw new AppError("NOT_FOUND", `No rule answers events of type "${event.type}"`);
  }
  const { row, created } = await recordEvent(ctx, {
    eventId: event.id,
    type: event.type,
    payload: event.payload,
    depth: 0,
    sourceRunId: null,
    postedBy: options.principal.userId,
    error: null,
  });
  if (!created && row.bodyHash !== bodyHash(event.type, event.payload)) {
    throw new AppError(
      "CONFLICT",
      `The event id "${event.id}" was already used with another type or payload`,
    );
  }
  let current = row;
  if (!created) {
    for (const deadline = Date.now() + REPLAY_WAIT_MS; !current.processedAt;) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const [again] = await ctx.db.select().from(events).where(eq(events.id, row.id));
      if (!again) throw new Error("event row vanished");
      current = again;
    }
  }
  // First post, or a replay whose first post did not finish (its process died): do it now.
  await processEvent(ctx, current);
  return { view: await eventView(ctx, row.id), created, knownType: Boolean(known) };
}

/** An event with the outcome of each matching rule. */
export async function eventView(ctx: Pick<AppContext, "db">, id: number): Promise<EventView> {
  const [event] = await ctx.db.select().from(events).where(eq(events.id, id));
  if (!event) throw new AppError("NOT_FOUND", "No such event");
  return (await eventViews(ctx, [event]))[0]!;
}

async function eventViews(ctx: Pick<AppContext, "db">, rows: EventRow[]): Promise<EventView[]> {
  if (rows.length === 0) return [];
  const outcomes = await ctx.db
    .select({
      eventId: eventRuns.eventId,
      rule: eventRuns.rulePublicId,
      ruleName: eventRules.name,
      runPublicId: runs.publicId,
      runStatus: runs.status,
      error: eventRuns.error,
    })
    .from(eventRuns)
    .leftJoin(eventRules, eq(eventRules.publicId, eventRuns.rulePublicId))
    .leftJoin(runs, eq(runs.id, eventRuns.runId))
    .where(
      inArray(
        eventRuns.eventId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(eventRuns.id);
  const sourceIds = rows.flatMap((r) => (r.sourceRunId ? [r.sourceRunId] : []));
  const sources = new Map(
    sourceIds.length === 0
      ? []
      : (
          await ctx.db
            .select({ id: runs.id, publicId: runs.publicId })
            .from(runs)
            .where(inArray(runs.id, sourceIds))
        ).map((r) => [r.id, r.publicId]),
  );
  return rows.map((event) => ({
    id: event.eventId,
    type: event.type,
    payload: JSON.parse(event.payload) as Record<string, unknown>,
    depth: event.depth,
    sourceRun: event.sourceRunId ? (sources.get(event.sourceRunId) ?? null) : null,
    error: event.error,
    receivedAt: event.receivedAt.toISOString(),
    processedAt: event.processedAt?.toISOString() ?? null,
    runs: outcomes
      .filter((o) => o.eventId === event.id)
      .map((o) => ({
        rule: o.rule,
        ruleName: o.ruleName,
        run:
          o.runPublicId && o.runStatus
            ? {
                id: o.runPublicId,
                status: o.runStatus,
                links: { self: `/api/v1/runs/${o.runPublicId}`, web: `/runs/${o.runPublicId}` },
              }
            : null,
        error: o.error,
      })),
    links: {
      self: `/api/v1/events/${encodeURIComponent(event.eventId)}`,
      web: `/events/${encodeURIComponent(event.eventId)}`,
    },
  }));
}

/** Events are read by the roles that see every run (they may start anyone's runs). */
function requireEventReader(principal: Principal): void {
  if (!canSeeAllRuns(principal.role)) {
    throw new AppError("FORBIDDEN", `The role "${principal.role}" cannot see events`);
  }
}

/** GET /api/v1/events/{id}. */
export async function getEvent(
  ctx: Pick<AppContext, "db">,
  principal: Principal,
  eventId: string,
): Promise<EventView> {
  requireEventReader(principal);
  const [event] = await ctx.db.select().from(events).where(eq(events.eventId, eventId));
  if (!event) throw new AppError("NOT_FOUND", `There is no event "${eventId}"`);
  return (await eventViews(ctx, [event]))[0]!;
}

/** GET /api/v1/events: the latest 100 events, newest first. */
export async function listEvents(
  ctx: Pick<AppContext, "db">,
  principal: Principal,
  query: TListEventsQuery = { limit: 100 },
): Promise<EventList> {
  requireEventReader(principal);
  // Keyset on the row id (newest first): a page costs the same at any depth.
  const rows = await ctx.db
    .select()
    .from(events)
    .where(query.cursor ? lt(events.id, Number(query.cursor)) : undefined)
    .orderBy(desc(events.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: await eventViews(ctx, page),
    nextCursor: rows.length > query.limit && last ? String(last.id) : null,
  };
}

/** The event that started a run, for the run page (null: not started by an event). */
export async function eventOfRun(
  ctx: Pick<AppContext, "db">,
  runId: number,
): Promise<{ id: string; type: string } | null> {
  const [row] = await ctx.db
    .select({ id: events.eventId, type: events.type })
    .from(eventRuns)
    .innerJoin(events, eq(events.id, eventRuns.eventId))
    .where(eq(eventRuns.runId, runId))
    .limit(1);
  return row ?? null;
}
