import { eq } from "drizzle-orm";
import { runs, users } from "@/db/schema";
import { isTerminal } from "@/lib/run-status";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { findRunFor } from "./find-run-for";
import { readLogPage } from "./get-run-logs";

/** While catching up on a log, the run's state is read at most this often. */
const STATE_EVERY_MS = 250;
/**
 * New text, progress and every status change are announced on the run's channel (log
 * writer, recordProgress, changes/publish-run-change.ts); this poll only covers an
 * announcement lost while Redis was away.
 */
const POLL_MS = 5000;
const HEARTBEAT_MS = 15_000;
/** A stream ends after this long; EventSource reconnects and resumes from its last event id. */
const MAX_STREAM_MS = 10 * 60_000;
/**
 * A revocation ends a user's live views at once (the users channel); should its message be
 * missed, the user's row is read again this often: MySQL stays the truth.
 */
const USER_CHECK_MS = 30_000;
const REVOKED_MESSAGE =
  "Your access has changed (account disabled or deleted, or another role): the live view ended. Reload the page to continue.";
const TOKEN_REVOKED_MESSAGE =
  "An API token of yours was revoked: this live view, opened with a token, ended. Connect again with a valid one.";

/** Whether the caller is still an enabled user with the role they had when the view began. */
async function stillAllowed(ctx: Pick<AppContext, "db">, principal: Principal): Promise<boolean> {
  const [row] = await ctx.db
    .select({ role: users.role, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, principal.userId));
  return !!row && !row.disabledAt && row.role === principal.role;
}

/** The fields of a run a live view follows. */
async function readState(ctx: Pick<AppContext, "db">, runId: number) {
  const [row] = await ctx.db
    .select({
      status: runs.status,
      attempt: runs.attempt,
      progressPercent: runs.progressPercent,
      progressMessage: runs.progressMessage,
      exitCode: runs.exitCode,
      error: runs.error,
      startedAt: runs.startedAt,
      finishedAt: runs.finishedAt,
    })
    .from(runs)
    .where(eq(runs.id, runId));
  return row ?? null;
}

function frame(event: string, data: unknown, id?: number): string {
  return `event: ${event}\n${id !== undefined ? `id: ${id}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
}

/**
 * The live tail of a run as Server-Sent Events (GET /runs/{id}/logs with Accept:
 * text/event-stream): `log` events carry text from the cursor (their id is the next
 * cursor, so EventSource resumes where it stopped), `status` events the run's state
 * when it changes, and `end` once the run has finished and everything was sent.
 *
 * The stream is pulled: a page of the log is read only when the client has taken the
 * previous one, so a slow reader never makes the server buffer a big log. New text is
 * and status changes are announced through Redis; a 5 s poll covers a missed announcement.
 */
export async function streamRunLog(
  ctx: AppContext,
  options: { principal: Principal; runId: string; cursor: number; signal: AbortSignal },
): Promise<ReadableStream<Uint8Array>> {
  const { run } = await findRunFor(ctx, { ...options, access: "read" });
  const userId = options.principal.userId;
  // Counted per user across every web process (Redis), freed when the view ends.
  const slot = await ctx.liveViews.acquire(userId);
  if (!slot) {
    throw new AppError(
      "CONFLICT",
      `You already follow ${ctx.liveViews.limit} runs live; close some pages`,
    );
  }

  const encoder = new TextEncoder();
  const started = Date.now();
  let cursor = options.cursor;
  let lastState = "";
  let lastSent = Date.now();
  let finished = false;
  let done = false;
  // Catching up (the last page had text): pages follow each other without a state read.
  let behind = false;
  let stateReadAt = 0;
  let userCheckedAt = Date.now();
  let wake: (() => void) | null = null;
  // An announcement heard while the state and the page were being read: they may have been
  // read just before its text was stored, so the stream reads again before it waits.
  let news = false;
  let stream: ReadableStreamDefaultController<Uint8Array> | null = null;
  const unsubscribe = ctx.runNotifications.subscribe(run.publicId, () => {
    news = true;
    wake?.();
  });
  // A revoked token ends the views opened with a token (which one is not known here).
  const stopWatching = ctx.runNotifications.watchUser(userId, (scope) => {
    if (scope === "all") endRevoked();
    else if (options.principal.via === "token") endRevoked(TOKEN_REVOKED_MESSAGE);
  });

  // Every step of the clean-up runs once, whichever way the stream ends.
  const cleanUp = () => {
    if (done) return;
    done = true;
    unsubscribe();
    stopWatching();
    ctx.liveViews.release(slot);
    wake?.();
  };
  options.signal.addEventListener("abort", cleanUp);
  // A client that left while the run was looked up fired its abort before we listened.
  if (options.signal.aborted) cleanUp();

  // The user was disabled, deleted or given another role: a last event, then the end, at
  // once (without waiting for the client to read). EventSource reconnects, and the new
  // request is authorized again.
  const endRevoked = (message = REVOKED_MESSAGE) => {
    if (done || !stream) return;
    stream.enqueue(encoder.encode(frame("problem", { message })));
    stream.close();
    cleanUp();
  };

  const waitForNews = () =>
    new Promise<void>((resolve) => {
      if (news) return resolve();
      const timer = setTimeout(resolve, POLL_MS);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wake = null;
    });

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stream = controller;
      },
      async pull(controller) {
        // The client may leave while a query runs: nothing is sent after that.
        const emit = (text: string) => {
          if (!done) controller.enqueue(encoder.encode(text));
        };
        try {
          for (;;) {
            if (done) return;
            if (Date.now() - started > MAX_STREAM_MS) {
              cleanUp();
              return controller.close(); // the client reconnects with Last-Event-ID
            }
            news = false;
            if (!finished && (!behind || Date.now() - stateReadAt >= STATE_EVERY_MS)) {
              stateReadAt = Date.now();
              const state = await readState(ctx, run.id);
              if (!state) throw new AppError("NOT_FOUND", "The run is gone");
              finished = isTerminal(state.status);
              const json = JSON.stringify(state);
              if (json !== lastState) {
                lastState = json;
                lastSent = Date.now();
                return emit(frame("status", state));
              }
            }
            const page = await readLogPage(ctx, { runId: run.id, cursor, running: !finished });
            behind = page.nextCursor !== cursor;
            if (behind) {
              const offset = cursor;
              cursor = page.nextCursor;
              lastSent = Date.now();
              return emit(frame("log", { offset, text: page.text }, cursor));
            }
            if (finished) {
              emit(frame("end", { cursor }));
              cleanUp();
              return controller.close();
            }
            if (Date.now() - userCheckedAt > USER_CHECK_MS) {
              userCheckedAt = Date.now();
              if (!(await stillAllowed(ctx, options.principal))) return endRevoked();
            }
            if (Date.now() - lastSent > HEARTBEAT_MS) {
              lastSent = Date.now();
              return emit(": ping\n\n");
            }
            await waitForNews();
          }
        } catch (error) {
          if (done) return; // the client left; nothing to tell
          ctx.log.warn({ err: error, runId: run.publicId }, "live log stream failed");
          emit(frame("problem", { message: "The live view was interrupted; reload to continue." }));
          cleanUp();
          controller.close();
        }
      },
      cancel() {
        cleanUp();
      },
    },
    // One event at a time: the next page is read when this one has left.
    { highWaterMark: 1 },
  );
}
