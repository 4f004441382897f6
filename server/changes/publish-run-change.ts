import type { RunStatus } from "@/lib/run-status";
import { withinTime } from "@/lib/within-time";
import type { AppContext } from "../context";

/**
 * What changed: a run was created, moved to another status, or reported progress; or
 * `reset`: rows changed in bulk (which is not said), every list may have changed.
 */
export type RunChangeKind = "created" | "status" | "progress" | "reset";

/** One change of a run that lists show, as published on the changes channel. */
export interface RunChange {
  /** The value of the changes counter after this change (monotonic, shared by all processes). */
  version: number;
  kind: RunChangeKind;
  /** The run's public id. */
  run: string;
  /** Its owner: the feed tells a submitter of their own runs only. */
  userId: number;
  /** The status it moved to (null for progress and reset). */
  status: RunStatus | null;
}

/**
 * INCR and PUBLISH in one atomic step, so versions reach subscribers in order. The run's
 * own channel (live log views) also hears of a status change, so those wake at once
 * instead of waiting for their fallback poll.
 */
const PUBLISH_SCRIPT = `
local version = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', KEYS[2], version .. ' ' .. ARGV[1])
if ARGV[2] ~= '' then redis.call('PUBLISH', KEYS[3], ARGV[2]) end
return version`;

/** A change message the changes channel carries: "<version> <json>"; null when malformed. */
export function parseRunChange(message: string): RunChange | null {
  const space = message.indexOf(" ");
  const version = Number(message.slice(0, space));
  if (space < 1 || !Number.isSafeInteger(version)) return null;
  try {
    const body = JSON.parse(message.slice(space + 1)) as Omit<RunChange, "version">;
    return { ...body, version };
  } catch {
    return null;
  }
}

/** INCR + PUBLISH of one change; the new version, or an error after 2 s. */
async function announce(
  ctx: Pick<AppContext, "redis" | "keys">,
  change: Omit<RunChange, "version">,
): Promise<number> {
  const { kind, run, userId, status } = change;
  const body = JSON.stringify({ kind, run, userId, status });
  const wake =
    kind === "progress" || kind === "reset" ? "" : JSON.stringify({ type: "status", status });
  const version = await withinTime(
    ctx.redis.eval(
      PUBLISH_SCRIPT,
      3,
      ctx.keys.changesVersion,
      ctx.keys.changesChannel,
      ctx.keys.runChannel(run),
      body,
      wake,
    ) as Promise<number>,
    2000,
    () => new Error("Redis did not answer within 2 s"),
  );
  return Number(version);
}

const RESET: Omit<RunChange, "version"> = { kind: "reset", run: "", userId: 0, status: null };

/**
 * Changes this process could not announce. Until the counter moves, every list would keep
 * answering 304 with the tag it had before the change, and no feed would resync: so a
 * failed announcement is followed by a `reset` (every list reads again), retried every
 * `retryMs` until Redis takes it. One retry at a time, whatever the number of misses.
 */
export class MissedChanges {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly ctx: Pick<AppContext, "redis" | "keys" | "log">,
    private readonly retryMs = 1000,
  ) {}

  /** Whether a reset is waiting to be announced. */
  get pending(): boolean {
    return this.timer !== null;
  }

  missed(): void {
    if (this.timer || this.closed) return;
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      announce(this.ctx, RESET).then(
        () => {
          this.timer = null;
          this.ctx.log.info("missed run changes announced as a reset");
        },
        () => {
          if (!this.closed) this.schedule();
        },
      );
    }, this.retryMs);
    this.timer.unref(); // a process that ends does not wait for Redis to come back
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/**
 * Announces a change of a run on Redis (GET /api/v1/changes, list ETags). Never throws and
 * is not awaited on the transitions' path: MySQL already holds the change. A change that
 * could not be announced (Redis away) is followed by a reset once Redis answers
 * (MissedChanges). Resolves to the new version, or null when Redis failed.
 */
export async function publishRunChange(
  ctx: Pick<AppContext, "redis" | "keys" | "log" | "missedChanges">,
  change: Omit<RunChange, "version">,
): Promise<number | null> {
  try {
    return await announce(ctx, change);
  } catch (error) {
    ctx.log.warn({ err: error, runId: change.run, kind: change.kind }, "run change not announced");
    ctx.missedChanges.missed();
    return null;
  }
}

/**
 * Marks the lists changed without saying which run (rows deleted in bulk, say): every
 * ETag changes and every feed client reads its list again.
 */
export async function bumpChangesVersion(
  ctx: Pick<AppContext, "redis" | "keys" | "log" | "missedChanges">,
): Promise<void> {
  await publishRunChange(ctx, RESET);
}

/** The changes counter (0 before the first change); null when Redis does not answer in 250 ms. */
export async function readChangesVersion(
  ctx: Pick<AppContext, "redis" | "keys">,
): Promise<number | null> {
  try {
    const value = await withinTime(ctx.redis.get(ctx.keys.changesVersion), 250, () => {
      return new Error("Redis did not answer within 250 ms");
    });
    return Number(value ?? 0);
  } catch {
    return null;
  }
}
