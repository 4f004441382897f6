import { and, asc, eq, gt, sql } from "drizzle-orm";
import { runEventCursors, runEvents, runs } from "@/db/schema";
import type { RunStatus } from "@/lib/run-status";
import type { AppContext } from "../context";

/** One status change of a run, as its consumers see it (a `run_events` row and its run). */
export interface RunEventNotice {
  /** The `run_events` id: increasing, unique; the key a consumer de-duplicates on. */
  id: number;
  runId: number;
  publicId: string;
  userId: number;
  pipelineName: string;
  pipelineVersion: string;
  runName: string | null;
  attempt: number;
  fromStatus: RunStatus | null;
  toStatus: RunStatus;
  message: string | null;
  createdAt: Date;
}

/**
 * Something done for run events: send e-mail, deliver webhooks, start the runs of rules.
 * `handle` gets each event at least once, in id order, in batches. It must be
 * idempotent (a unique key on the event id in its own tables): after a restart, or when
 * it throws, the same events come again. When it throws, nothing after the batch's
 * first event is counted as handled.
 */
export interface RunEventConsumer {
  /** Names its cursor (`run_event_cursors.consumer`): never rename a deployed one. */
  name: string;
  handle(ctx: AppContext, events: readonly RunEventNotice[]): Promise<void>;
}

/**
 * How long an event may take to appear after an event with a higher id (ids are taken
 * when a transaction inserts, and transactions commit in another order). The cursor stays
 * this far behind; the events above it that were handed are remembered, not handed again.
 */
export const SETTLE_MS = 30_000;
const BATCH = 500;

type Ctx = Pick<AppContext, "db">;

/**
 * Follows `run_events` for one consumer: `drain()` hands the consumer every event it has
 * not had yet, and moves its cursor. A consumer starts at the events that come after its
 * first drain (history is not replayed). Only one process should drain a consumer at a
 * time (the active beat: worker/run-event-loop.ts); another would hand events twice,
 * which idempotent consumers survive.
 */
export class RunEventFollower {
  /** Ids above the cursor already handed by this process. */
  private readonly handed = new Set<number>();
  private cursor: number | null = null;

  constructor(
    private readonly consumer: RunEventConsumer,
    private readonly settleMs = SETTLE_MS,
  ) {}

  get name(): string {
    return this.consumer.name;
  }

  /** Hands new events to the consumer; returns how many. */
  async drain(ctx: AppContext, now = new Date()): Promise<number> {
    const cursor = this.cursor ?? (await this.readCursor(ctx));
    let handedNow = 0;
    for (let after = cursor; ;) {
      const batch = await readEvents(ctx, after);
      const fresh = batch.filter((e) => !this.handed.has(e.id));
      if (fresh.length > 0) {
        await this.consumer.handle(ctx, fresh);
        for (const e of fresh) this.handed.add(e.id);
        handedNow += fresh.length;
      }
      if (batch.length < BATCH) break;
      after = batch.at(-1)!.id;
    }
    await this.advance(ctx, cursor, now);
    return handedNow;
  }

  private async readCursor(ctx: Ctx): Promise<number> {
    const [row] = await ctx.db
      .select({ lastEventId: runEventCursors.lastEventId })
      .from(runEventCursors)
      .where(eq(runEventCursors.consumer, this.consumer.name));
    if (row) return (this.cursor = Number(row.lastEventId));
    // A new consumer starts now: the newest event so far is its cursor.
    const [latest] = await ctx.db
      .select({ id: sql<number>`COALESCE(MAX(${runEvents.id}), 0)` })
      .from(runEvents);
    const start = Number(latest?.id ?? 0);
    await ctx.db
      .insert(runEventCursors)
      .values({ consumer: this.consumer.name, lastEventId: start, updatedAt: new Date() })
      .onDuplicateKeyUpdate({ set: { consumer: sql`consumer` } });
    return this.readCursor(ctx);
  }

  /**
   * The cursor moves to the highest handed id below which every event was handed and is
   * older than the settle window: a later-committed event with a lower id is still found.
   */
  private async advance(ctx: Ctx, cursor: number, now: Date): Promise<void> {
    if (this.handed.size === 0) return;
    const [oldestFresh] = await ctx.db
      .select({ id: runEvents.id })
      .from(runEvents)
      .where(
        and(
          gt(runEvents.id, cursor),
          gt(runEvents.createdAt, new Date(now.getTime() - this.settleMs)),
        ),
      )
      .orderBy(asc(runEvents.id))
      .limit(1);
    const limit = oldestFresh ? oldestFresh.id - 1 : Infinity;
    let next = cursor;
    for (const id of [...this.handed].sort((a, b) => a - b)) {
      if (id > limit) break;
      next = id;
    }
    if (next === cursor) return;
    await ctx.db
      .update(runEventCursors)
      .set({ lastEventId: next, updatedAt: now })
      .where(eq(runEventCursors.consumer, this.consumer.name));
    this.cursor = next;
    for (const id of this.handed) if (id <= next) this.handed.delete(id);
  }
}

async function readEvents(ctx: Ctx, after: number): Promise<RunEventNotice[]> {
  const rows = await ctx.db
    .select({
      id: runEvents.id,
      runId: runEvents.runId,
      publicId: runs.publicId,
      userId: runs.userId,
      pipelineName: runs.pipelineName,
      pipelineVersion: runs.pipelineVersion,
      runName: runs.name,
      attempt: runEvents.attempt,
      fromStatus: runEvents.fromStatus,
      toStatus: runEvents.toStatus,
      message: runEvents.message,
      createdAt: runEvents.createdAt,
    })
    .from(runEvents)
    .innerJoin(runs, eq(runs.id, runEvents.runId))
    .where(gt(runEvents.id, after))
    .orderBy(asc(runEvents.id))
    .limit(BATCH);
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    runId: Number(r.runId),
    userId: Number(r.userId),
  }));
}
