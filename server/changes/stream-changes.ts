import { canSeeAllRuns } from "@/lib/roles";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { parseRunChange, readChangesVersion, type RunChange } from "./publish-run-change";

const HEARTBEAT_MS = 15_000;
/** A feed ends after this long; EventSource reconnects, and the request is authorized again. */
const MAX_STREAM_MS = 10 * 60_000;
/** Events a client may leave unread; past that it is dropped (it reconnects and reads anew). */
const MAX_UNREAD_EVENTS = 256;
const REVOKED_MESSAGE =
  "Your access has changed (account disabled or deleted, or another role): the feed ended.";
const REDIS_LOST_MESSAGE = "The change feed lost its connection; the page falls back to polling.";

function frame(event: string, data: unknown, id?: number): string {
  return `event: ${event}\n${id !== undefined ? `id: ${id}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
}

/** Whether the caller may hear of this change: their own runs, or every run for roles that see all. */
function mayHear(principal: Principal, change: RunChange): boolean {
  return (
    change.kind === "reset" || canSeeAllRuns(principal.role) || change.userId === principal.userId
  );
}

/**
 * The change feed (GET /api/v1/changes) as Server-Sent Events: `ready` with the current
 * version when it opens (a client that saw another one before reconnecting reads its list
 * again), `change` for each change of a run the caller may see (id: the version), and
 * `resync` when the heartbeat finds that announcements were missed (the subscriber was
 * away). Nothing is read from MySQL: the messages come from Redis pub/sub, published by
 * the transitions (changes/publish-run-change.ts). 503 when Redis does not answer: the
 * client falls back to a slow poll with If-None-Match.
 */
export async function streamChanges(
  ctx: AppContext,
  options: { principal: Principal; signal: AbortSignal },
): Promise<ReadableStream<Uint8Array>> {
  const { principal } = options;
  const userId = principal.userId;
  // Feeds and live logs count against one limit per user, across web processes.
  const acquired = await ctx.liveViews.acquire(userId);
  if (!acquired) {
    throw new AppError(
      "CONFLICT",
      `You already have ${ctx.liveViews.limit} live views open; close some pages`,
    );
  }
  const slot = acquired;
  const startVersion = await readChangesVersion(ctx);
  if (startVersion === null) {
    ctx.liveViews.release(slot);
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "The change feed is unavailable (Redis); poll instead",
    );
  }

  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let done = false;
  /** The highest version announced to this process's subscriber since the feed opened. */
  let seen = startVersion;
  const emit = (text: string) => {
    if (done || !controller) return;
    if ((controller.desiredSize ?? 0) < -MAX_UNREAD_EVENTS) return end();
    controller.enqueue(encoder.encode(text));
  };
  const end = (event?: string) => {
    if (done) return;
    if (event) emit(event);
    cleanUp();
    try {
      controller?.close();
    } catch {
      // the client cancelled the stream meanwhile
    }
  };

  const unsubscribe = ctx.runNotifications.subscribeChanges((message) => {
    const change = parseRunChange(message);
    if (!change) return;
    seen = Math.max(seen, change.version);
    if (!mayHear(principal, change)) return;
    const { version, kind, run, status } = change;
    emit(frame("change", { version, kind, run: run || null, status }, version));
  });
  const stopWatching = ctx.runNotifications.watchUser(userId, (scope) => {
    if (scope === "all" || principal.via === "token")
      end(frame("problem", { message: REVOKED_MESSAGE }));
  });
  const heartbeat = setInterval(() => {
    void readChangesVersion(ctx).then((version) => {
      if (version === null) return end(frame("problem", { message: REDIS_LOST_MESSAGE }));
      if (version > seen) {
        seen = version;
        return emit(frame("resync", { version }));
      }
      emit(": ping\n\n");
    });
  }, HEARTBEAT_MS);
  const lifetime = setTimeout(() => end(), MAX_STREAM_MS);

  function cleanUp() {
    done = true;
    unsubscribe();
    stopWatching();
    clearInterval(heartbeat);
    clearTimeout(lifetime);
    ctx.liveViews.release(slot);
  }
  const onAbort = () => {
    if (!done) cleanUp();
  };
  options.signal.addEventListener("abort", onAbort);
  if (options.signal.aborted) onAbort();

  return new ReadableStream<Uint8Array>({
    start(stream) {
      controller = stream;
      // retry: how long EventSource waits before reconnecting after the stream ends.
      emit(`retry: 3000\n${frame("ready", { version: startVersion })}`);
    },
    cancel() {
      if (!done) cleanUp();
    },
  });
}
