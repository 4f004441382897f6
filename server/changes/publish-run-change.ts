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

/**
 * Announces a change of a run on Redis (GET /api/v1/changes, list ETags). Never throws and
 * is not awaited on the transitions' path: MySQL already holds the change, and a change
 * that could not be announced (Redis away) is found by the feed's clients when they
 * reconnect or by their slow poll. Resolves to the new version, or null when Redis failed.
 */
export async function publishRunChange(
  ctx: Pick<AppContext, "redis" | "keys" | "log">,
  change: Omit<RunChange, "version">,
): Promise<number | null> {
  const { kind, run, userId, status } = change;
  const body = JSON.stringify({ kind, run, userId, status });
  const wake =
    kind === "progress" || kind === "reset" ? "" : JSON.stringify({ type: "status", status });
  try {
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
  } catch (error) {
    ctx.log.warn({ err: error, runId: run, kind }, "run change not announced");
    return null;
  }
}

/**
 * Marks the lists changed without saying which run (rows deleted in bulk, say): every
 * ETag changes and every feed client reads its list again.
 */
export async function bumpChangesVersion(
  ctx: Pick<AppContext, "redis" | "keys" | "log">,
): Promise<void> {
  await publishRunChange(ctx, { kind: "reset", run: "", userId: 0, status: null });
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
