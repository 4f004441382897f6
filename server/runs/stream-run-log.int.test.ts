import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLogs, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { eq } from "drizzle-orm";
import { LogWriter } from "./log-writer";
import { streamRunLog } from "./stream-run-log";

let ctx: AppContext;
let alice: TestUser;
let finishedRun: string;

beforeAll(async () => {
  ctx = createTestContext();
  await registerPipelines(ctx);
  alice = await createTestUser(ctx);
  finishedRun = await submit(ctx, alice.principal, "hello", { name: "x" }, { hold: true });
  const row = await getRunRow(ctx, finishedRun);
  // A finished run with a 3 MiB log in 12 chunks.
  const chunk = `${"x".repeat(262_143)}\n`;
  await ctx.db.insert(runLogs).values(
    Array.from({ length: 12 }, (_, i) => ({
      runId: row.id,
      attempt: 1,
      offset: i * chunk.length,
      length: chunk.length,
      stream: "stdout" as const,
      content: chunk,
    })),
  );
  await ctx.db
    .update(runs)
    .set({ status: "succeeded", logBytes: 12 * chunk.length, finishedAt: new Date() })
    .where(eq(runs.id, row.id));
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}

describe("the live log stream", () => {
  it("sends the state, every byte of the log, then the end", async () => {
    const stream = await streamRunLog(ctx, {
      principal: alice.principal,
      runId: finishedRun,
      cursor: 0,
      signal: new AbortController().signal,
    });
    const text = await readAll(stream);
    const events = text.split("\n\n").filter(Boolean);
    expect(events[0]).toMatch(/^event: status\n/);
    const logs = events.filter((e) => e.startsWith("event: log"));
    const bytes = logs.reduce(
      (n, e) => n + (JSON.parse(e.split("data: ")[1]!) as { text: string }).text.length,
      0,
    );
    expect(bytes).toBe(12 * 262_144);
    expect(events.at(-1)).toMatch(/^event: end\n/);
  });

  it("reads a page only when the reader takes one (a slow reader makes nothing pile up)", async () => {
    const stream = await streamRunLog(ctx, {
      principal: alice.principal,
      runId: finishedRun,
      cursor: 0,
      signal: new AbortController().signal,
    });
    const reader = stream.getReader();
    await reader.read(); // the status
    await new Promise((resolve) => setTimeout(resolve, 300));
    // With a queue of one event, at most one page (1 MiB) waits while nobody reads.
    expect(stream.locked).toBe(true);
    const { value } = await reader.read();
    expect(value!.byteLength).toBeLessThan(1.1 * 1024 * 1024);
    await reader.cancel();
  });

  it("limits live views per user, and frees one when its client goes away", async () => {
    const controllers = Array.from({ length: 20 }, () => new AbortController());
    const held = await submit(ctx, alice.principal, "hello", { name: "held" }, { hold: true });
    const streams = await Promise.all(
      controllers.map((c) =>
        streamRunLog(ctx, { principal: alice.principal, runId: held, cursor: 0, signal: c.signal }),
      ),
    );
    await expect(
      streamRunLog(ctx, {
        principal: alice.principal,
        runId: held,
        cursor: 0,
        signal: new AbortController().signal,
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    controllers[0]!.abort();
    const again = await streamRunLog(ctx, {
      principal: alice.principal,
      runId: held,
      cursor: 0,
      signal: new AbortController().signal,
    });
    await again.cancel();
    await Promise.all(streams.slice(1).map((s) => s.cancel()));
  });
});

/** Lines "<n, 7 digits> " padded with dots to `bytes` bytes each, numbered from `first`. */
function numberedLines(first: number, count: number, bytes: number): string {
  let text = "";
  for (let n = first; n < first + count; n++)
    text += `${String(n).padStart(7, "0")} ${".".repeat(bytes - 9)}\n`;
  return text;
}

/** The `log` events of a live stream: their text, and whether each began where the last ended. */
function followLogEvents(stream: ReadableStream<Uint8Array>) {
  const state = { text: "", cursor: 0, contiguous: true, ended: false };
  const reading = (async () => {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.startsWith("event: end")) state.ended = true;
        if (!frame.startsWith("event: log")) continue;
        const data = JSON.parse(frame.split("data: ")[1]!) as { offset: number; text: string };
        state.contiguous &&= data.offset === state.cursor;
        state.text += data.text;
        state.cursor = Number(/^id: (\d+)$/m.exec(frame)![1]);
      }
    }
  })();
  return { state, reading };
}

describe("the live log of a running run (issue 12, item 7)", () => {
  it("arrives complete and in order while it is written, each write without waiting for the poll", async () => {
    const publicId = await submit(ctx, alice.principal, "hello", { name: "live" }, { hold: true });
    const row = await getRunRow(ctx, publicId);
    await ctx.db
      .update(runs)
      .set({ status: "running", startedAt: new Date() })
      .where(eq(runs.id, row.id));
    const stream = await streamRunLog(ctx, {
      principal: alice.principal,
      runId: publicId,
      cursor: 0,
      signal: new AbortController().signal,
    });
    const { state, reading } = followLogEvents(stream);
    const log = new LogWriter(ctx, { id: row.id, publicId, attempt: 1 });
    // Small writes (stored by the 200 ms timer) and floods of several MiB (stored in
    // batches while the writer is paused above its high-water mark), alternately.
    const rounds = [3, 12_000, 1, 700, 15_000, 2];
    let lines = 0;
    for (const count of rounds) {
      for (let left = count; left > 0;) {
        const n = Math.min(left, 640);
        if (!log.write("stdout", numberedLines(lines + 1, n, 100))) await log.drained();
        lines += n;
        left -= n;
      }
      // The reader is told of new text (Redis): it must not need the 5 s poll.
      const deadline = Date.now() + 4000;
      while (state.cursor < lines * 100 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(state.cursor, `after ${lines} lines`).toBe(lines * 100);
    }
    await log.close();
    await ctx.db
      .update(runs)
      .set({ status: "succeeded", finishedAt: new Date() })
      .where(eq(runs.id, row.id));
    await ctx.redis.publish(ctx.keys.runChannel(publicId), JSON.stringify({ type: "status" }));
    await reading;
    expect(state.ended).toBe(true);
    expect(state.contiguous).toBe(true);
    expect(state.text).toBe(numberedLines(1, lines, 100));
  }, 30_000);
});

describe("live view slots (issue 10, finding 7)", () => {
  it("are given back when the client left before the stream began", async () => {
    const bob = await createTestUser(ctx);
    const run = await submit(ctx, bob.principal, "hello", { name: "y" }, { hold: true });
    // A client that disconnects while the run is looked up: its signal is aborted already.
    for (let i = 0; i < 25; i++) {
      const left = new AbortController();
      left.abort();
      await streamRunLog(ctx, {
        principal: bob.principal,
        runId: run,
        cursor: 0,
        signal: left.signal,
      });
    }
    expect(ctx.liveViews.held(bob.principal.userId)).toBe(0);
    const stream = await streamRunLog(ctx, {
      principal: bob.principal,
      runId: run,
      cursor: 0,
      signal: new AbortController().signal,
    });
    await stream.cancel();
    expect(ctx.liveViews.held(bob.principal.userId)).toBe(0);
  });
});

describe("live view slots across web processes (issue 12, item 5)", () => {
  it("counts the user's views on every process against one limit, and frees them on disconnect", async () => {
    const other = createTestContext(); // a second web process: same database, same Redis prefix
    try {
      const carol = await createTestUser(ctx);
      const run = await submit(ctx, carol.principal, "hello", { name: "z" }, { hold: true });
      const open = (on: AppContext, signal = new AbortController().signal) =>
        streamRunLog(on, { principal: carol.principal, runId: run, cursor: 0, signal });
      const controllers = Array.from({ length: 20 }, () => new AbortController());
      // 10 views on each process: 20 in all, the limit.
      const streams = await Promise.all(
        controllers.map((c, i) => open(i % 2 ? other : ctx, c.signal)),
      );
      expect([
        ctx.liveViews.held(carol.principal.userId),
        other.liveViews.held(carol.principal.userId),
      ]).toEqual([10, 10]);
      expect(await other.liveViews.heldEverywhere(carol.principal.userId)).toBe(20);
      await expect(open(ctx)).rejects.toMatchObject({ code: "CONFLICT" });
      await expect(open(other)).rejects.toMatchObject({ code: "CONFLICT" });

      controllers[0]!.abort(); // a view on the first process ends: the second may open one
      const again = await open(other);
      await again.cancel();
      await Promise.all(streams.slice(1).map((s) => s.cancel()));
      expect(await ctx.liveViews.heldEverywhere(carol.principal.userId)).toBe(0);
    } finally {
      await other.close();
    }
  });
});
