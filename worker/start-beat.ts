import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { withStatementBudget } from "@/server/statement-budget";
import { applyRetention } from "@/server/beat/apply-retention";
import { pruneAuditEvents } from "@/server/beat/prune-audit-events";
import { pruneEvents } from "@/server/beat/prune-events";
import { pruneRunRows } from "@/server/beat/prune-run-rows";
import { createCounterRows, repairRunCounters } from "@/server/beat/repair-run-counters";
import { LeaderLock } from "@/server/beat/leader-lock";
import { reconcileQueue } from "@/server/beat/reconcile-queue";
import { recoverLostRuns } from "@/server/beat/recover-lost-runs";
import type { AppContext } from "@/server/context";
import { refreshDueLists } from "@/server/lists/refresh-due-lists";
import { applyIntake } from "@/server/operations/intake";
import { followWorkersReload, type ReloadTiming } from "@/server/operations/drain-workers";
import { RUN_EVENT_CONSUMERS } from "@/server/run-events/consumers";
import type { RunEventConsumer } from "@/server/run-events/follow-run-events";
import { fireDueSchedules } from "@/server/schedules/fire-due-schedules";
import { startRunEventLoop } from "./run-event-loop";

/**
 * How long each statement of a tick may wait for MySQL: a frozen or unreachable server
 * fails the tick (logged; the next one tries again) instead of holding the beat for ever.
 */
const BEAT_STATEMENT_MS = 10_000;
/** How often the active beat recounts the operations counters (and at its first tick). */
const REPAIR_INTERVAL_MS = 3600_000;

export interface BeatHandle {
  instanceId: string;
  isLeader(): boolean;
  /** One tick now (tests); normally ticks run every BEAT_INTERVAL_SECONDS. */
  tick(): Promise<void>;
  /** Hands the run events so far to their consumers now, if this beat is active (tests). */
  drainRunEvents(): Promise<void>;
  stop(): Promise<void>;
}

export interface BeatOptions {
  /** Who is told of run events (default: RUN_EVENT_CONSUMERS). */
  runEventConsumers?: readonly RunEventConsumer[];
  /** How the rolling reload of the workers polls and waits (tests shorten the waits). */
  reload?: ReloadTiming;
}

/**
 * The beat: everything periodic. Exactly one instance is active (a Redis lease);
 * others stand by and take over within three intervals when it dies.
 */
export function startBeat(ctx: AppContext, options: BeatOptions = {}): BeatHandle {
  const instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const intervalMs = ctx.config.beatIntervalSeconds * 1000;
  const lock = new LeaderLock(ctx.redis, ctx.keys.beatLock, instanceId, intervalMs * 3);
  let leader = false;
  const suspects = new Map<string, number>();
  let repairedAt = -Infinity;
  let running: Promise<void> = Promise.resolve();
  // List refreshes may take a while (a slow URL or command): they run beside the ticks,
  // one batch at a time, so that schedules still fire on time.
  let refreshing: Promise<unknown> | null = null;
  // A rolling reload of the workers (asked from the operations page) also runs beside them.
  let reloading: Promise<unknown> | null = null;
  let stopped = false;
  // A step that fails is logged; it must not keep the other steps from running.
  const failed = (what: string) => (error: unknown) => {
    ctx.log.error({ err: error }, `${what} failed`);
    return null;
  };

  const work = async () => {
    const wasLeader = leader;
    leader = await lock.hold().catch(() => false);
    if (leader !== wasLeader)
      ctx.log.info({ instanceId }, leader ? "beat is active" : "beat stands by");
    if (!leader) return;
    await ctx.redis.set(
      ctx.keys.beatHeartbeat,
      JSON.stringify({
        instanceId,
        host: hostname(),
        pid: process.pid,
        at: new Date().toISOString(),
      }),
      "PX",
      intervalMs * 6,
    );
    await fireDueSchedules(ctx).catch(failed("firing schedules")); // first, on time
    refreshing ??= refreshDueLists(ctx)
      .catch(failed("refreshing lists"))
      .finally(() => (refreshing = null));
    const recovered = await recoverLostRuns(ctx, { suspects });
    if (recovered.length > 0) ctx.log.warn({ runs: recovered }, "recovered runs of lost workers");
    // The intake switch lives in MySQL; the queue's pause marker may have been lost.
    await applyIntake(ctx).catch(failed("applying the intake switch"));
    const requeued = await reconcileQueue(ctx);
    if (requeued > 0) ctx.log.warn({ requeued }, "re-enqueued queued runs missing from Redis");
    const removed = await applyRetention(ctx).catch(failed("retention"));
    if (removed && removed.logRows + removed.outputChunks > 0)
      ctx.log.info(removed, "retention removed old logs and output content");
    const pruned = await pruneAuditEvents(ctx).catch(failed("audit retention"));
    if (pruned) ctx.log.info({ auditEvents: pruned }, "audit retention removed old events");
    const prunedEvents = await pruneEvents(ctx).catch(failed("event retention"));
    if (prunedEvents) ctx.log.info({ events: prunedEvents }, "event retention removed old events");
    const deleted = await pruneRunRows(ctx).catch(failed("run row retention"));
    if (deleted && deleted.runs > 0) ctx.log.info(deleted, "run row retention deleted old runs");
    await createCounterRows(ctx).catch(failed("creating counter rows"));
    if (Date.now() - repairedAt >= REPAIR_INTERVAL_MS) {
      const repaired = await repairRunCounters(ctx).catch(failed("repairing the run counters"));
      if (repaired) repairedAt = Date.now();
      if (repaired && (repaired.hours > 0 || Object.keys(repaired.statuses).length > 0))
        ctx.log.warn(repaired, "repaired drifted run counters");
    }
  };
  const followReload = () => {
    if (!leader || stopped) return;
    reloading ??= followWorkersReload(ctx, () => leader && !stopped, options.reload)
      .catch(failed("reloading the workers"))
      .finally(() => (reloading = null));
  };
  const tick = () => {
    running = running
      .then(() => withStatementBudget(BEAT_STATEMENT_MS, work))
      .catch((error: unknown) => ctx.log.error({ err: error }, "beat tick failed"))
      .then(followReload);
    return running;
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  // Run events (e-mail, webhooks, rules) are fed by the active beat, between its ticks.
  const runEvents = startRunEventLoop(
    ctx,
    options.runEventConsumers ?? RUN_EVENT_CONSUMERS,
    () => leader,
  );

  return {
    instanceId,
    isLeader: () => leader,
    tick,
    drainRunEvents: () => runEvents.drain(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await runEvents.stop();
      await running;
      await refreshing;
      await reloading;
      if (leader) await lock.release().catch(() => undefined);
      leader = false;
    },
  };
}
