/**
 * `runport logs ID [--follow]`: the whole log, or its live tail (Server-Sent Events). A
 * dropped connection is taken up again from the last event's id (Last-Event-ID), so no
 * text is shown twice or lost; the server ends each stream after 10 minutes the same way.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { flag, runId } from "../args";
import type { Context } from "../context";
import { CliError, EXIT, type ExitCode } from "../exit-codes";
import { reason, sleep } from "../http";
import { readEvents } from "../sse";

export const LOGS_OPTIONS = { follow: { type: "boolean", short: "f" } } as const;

/** Reconnections in a row without an event before the command gives up. */
const RECONNECTS = 8;

export async function logs(ctx: Context): Promise<ExitCode> {
  const id = runId(ctx.args);
  if (!flag(ctx.args, "follow")) {
    const response = await ctx.client().request(`api/v1/runs/${id}/logs`, {
      query: new URLSearchParams({ download: "true" }),
      retry: true,
      timeoutMs: 0,
    });
    if (response.body) await pipeline(Readable.fromWeb(response.body as never), process.stdout);
    return EXIT.ok;
  }
  return follow(ctx, id);
}

async function follow(ctx: Context, id: string): Promise<ExitCode> {
  let cursor: string | null = null;
  let status = "";
  let failures = 0;
  for (;;) {
    let received = false;
    let lost: unknown = "the stream closed";
    try {
      const headers: Record<string, string> = { Accept: "text/event-stream" };
      if (cursor !== null) headers["Last-Event-ID"] = cursor;
      const response = await ctx
        .client()
        .request(`api/v1/runs/${id}/logs`, { headers, timeoutMs: 0 });
      if (!response.body) throw new Error("no body");
      for await (const event of readEvents(response.body)) {
        received = true;
        if (event.event === "log") {
          const { text } = JSON.parse(event.data) as { text: string };
          process.stdout.write(text);
          if (event.id !== undefined) cursor = event.id;
        } else if (event.event === "status") {
          const state = JSON.parse(event.data) as { status: string };
          if (state.status !== status) ctx.note(`[runport] ${id} ${state.status}`);
          status = state.status;
        } else if (event.event === "end") {
          return EXIT.ok;
        } else if (event.event === "problem") {
          const { message } = JSON.parse(event.data) as { message: string };
          throw new CliError(`error: ${message}`, EXIT.refused);
        }
      }
      // Ended without `end`: the server's 10 minutes, a proxy, a restart. Take it up again.
    } catch (error) {
      if (error instanceof CliError && error.exitCode === EXIT.refused) throw error;
      lost = error;
    }
    failures = received ? 1 : failures + 1;
    if (failures > RECONNECTS) {
      throw new CliError(`the live log of ${id} was lost: ${reason(lost)}`, EXIT.network);
    }
    ctx.note(`[runport] connection lost (${reason(lost)}); resuming at byte ${cursor ?? 0}`);
    await sleep(Math.min(250 * 2 ** failures, 8000));
  }
}
