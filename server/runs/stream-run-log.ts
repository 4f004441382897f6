import { eq } from "drizzle-orm";
import { runs } from "@/db/schema";
import { isTerminal } from "@/lib/run-status";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { findRunFor } from "./find-run-for";
import { readLogPage } from "./get-run-logs";
import { runNotifications } from "./run-notifications";

const PAGE_BYTES = 256 * 1024;
const POLL_MS = 1000;
const HEARTBEAT_MS = 15_000;

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

/**
 * The live tail of a run as Server-Sent Events (GET /runs/{id}/logs with Accept:
 * text/event-stream): `log` events carry text from the cursor (their id is the next
 * cursor, so EventSource resumes where it stopped), `status` events the run's state
 * when it changes, and `end` once the run has finished and everything was sent.
 * New text is announced through Redis; a 1 s poll covers a missed announcement.
 */
export async function streamRunLog(
  ctx: AppContext,
  options: { principal: Principal; runId: string; cursor: number; signal: AbortSignal },
): Promise<ReadableStream<Uint8Array>> {
  const { run } = await findRunFor(ctx, {
    principal: options.principal,
    runId: options.runId,
    access: "read",
  });
  const encoder = new TextEncoder();
  let cursor = options.cursor;
  let lastState = "";
  let closed = false;
  let wake: (() => void) | null = null;
  const unsubscribe = runNotifications(ctx).subscribe(run.publicId, () => wake?.());

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: string, data: unknown, id?: number) => {
        if (closed) return;
        const lines = [
          `event: ${event}`,
          ...(id !== undefined ? [`id: ${id}`] : []),
          `data: ${JSON.stringify(data)}`,
        ];
        controller.enqueue(encoder.encode(`${lines.join("\n")}\n\n`));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          // the client went away first
        }
      };
      const heartbeat = setInterval(
        () => !closed && controller.enqueue(encoder.encode(": ping\n\n")),
        HEARTBEAT_MS,
      );
      options.signal.addEventListener("abort", () => {
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
      });
      void (async () => {
        try {
          while (!closed) {
            const state = await readState(ctx, run.id);
            if (!state) break;
            const stateJson = JSON.stringify(state);
            if (stateJson !== lastState) {
              lastState = stateJson;
              send("status", state);
            }
            const finished = isTerminal(state.status);
            for (;;) {
              const page = await readLogPage(ctx, {
                runId: run.id,
                cursor,
                limitBytes: PAGE_BYTES,
                running: !finished,
              });
              if (page.nextCursor === cursor) break;
              send("log", { offset: cursor, text: page.text }, page.nextCursor);
              cursor = page.nextCursor;
              if (closed) return;
            }
            if (finished) {
              send("end", { status: state.status, cursor });
              break;
            }
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, POLL_MS);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = null;
          }
        } catch (error) {
          ctx.log.warn({ err: error, runId: run.publicId }, "live log stream failed");
          send("error", { message: "The live view was interrupted; reload to continue." });
        }
        close();
      })();
    },
    cancel() {
      closed = true;
      unsubscribe();
    },
  });
}
