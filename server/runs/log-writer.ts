import { eq, sql } from "drizzle-orm";
import { runLogs, runs } from "@/db/schema";
import {
  escapePlatformMarker,
  lineStartAfter,
  neutraliseControls,
  type LineStart,
} from "@/lib/logs/log-text";
import type { AppContext } from "../context";
import { isUnavailable } from "../errors";

type Stream = "stdout" | "stderr" | "system";
type LogRow = typeof runLogs.$inferInsert;

const FLUSH_INTERVAL_MS = 200;
const FLUSH_BYTES = 256 * 1024;
/**
 * Above this many bytes not yet taken into an INSERT, write() asks the producer to pause.
 * It bounds the memory and the live tail's lag alike: under a flood each INSERT holds
 * about this much, and a line waits for the INSERT before its own, then its own. 4 MiB
 * made 4 MiB INSERTs (tail lag max 2.6–3.6 s at load 20–23); 512 KiB, no slower to
 * store, about halves it (docs/notes/latency.md).
 */
export const HIGH_WATER_BYTES = 512 * 1024;
const MAX_CHUNK_BYTES = 1024 * 1024;

/** Where a run's log ends: the next attempt (or a recovery) continues from there. */
export async function readLogEnd(ctx: Pick<AppContext, "db">, runId: number): Promise<number> {
  const [row] = await ctx.db
    .select({ end: sql<string | null>`MAX(${runLogs.offset} + ${runLogs.length})` })
    .from(runLogs)
    .where(eq(runLogs.runId, runId));
  return Number(row?.end ?? 0);
}

/**
 * Appends a run's output to run_logs in batches (every 200 ms or 256 KiB), keeps the
 * byte offsets continuous across attempts, and announces new text on the run's Redis
 * channel for live tails. Memory stays bounded: write() returns false above 512 KiB
 * pending, and the caller pauses the process's pipes until `drained()` resolves.
 *
 * Only the platform's own lines (stream "system") begin with `[runport]`, each on a line
 * of its own: the pipeline's text loses its control characters and escape sequences, and
 * a line of it that would begin with the marker is escaped (lib/logs/log-text.ts).
 */
export class LogWriter {
  private pending: { stream: Stream; text: string; bytes: number }[] = [];
  private pendingBytes = 0;
  /** Bytes of the batch being inserted (taken from pending; the offset moves once stored). */
  private inFlightBytes = 0;
  /** The next byte offset; read from run_logs before the first write (earlier attempts wrote there). */
  private offset: number | null = null;
  private truncated = false;
  /** Where the log's current line stands (the marker's escaping needs it across writes). */
  private lineStart: LineStart = "";
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** A batch queued behind the one being stored, not started yet: later flushes join it. */
  private queued: Promise<void> | null = null;
  /** drained() callers, woken each time a batch takes the pending text or ends. */
  private drainWaiters: (() => void)[] = [];
  private failure: Error | undefined;
  /** Rows built but not stored yet: the database was away. Their offsets are final. */
  private unsent: LogRow[] = [];
  private unsentBytes = 0;
  /** Failed tries in a row (the pause before the next one grows with it). */
  private retries = 0;

  constructor(
    private readonly ctx: Pick<AppContext, "db" | "redis" | "keys" | "log" | "config">,
    private readonly run: { id: number; publicId: string; attempt: number },
  ) {}

  /** Bytes of the whole log written so far (the next offset). */
  get bytes(): number {
    return (this.offset ?? 0) + this.inFlightBytes + this.unsentBytes + this.pendingBytes;
  }

  /** Text held in memory: not yet sent, or waiting for the database to come back. */
  private get heldBytes(): number {
    return this.pendingBytes + this.unsentBytes;
  }

  write(stream: Stream, text: string): boolean {
    if (text.length === 0 || this.truncated) return true;
    let lineStart: LineStart;
    if (stream === "system") {
      if (this.lineStart !== "") text = `\n${text}`;
      lineStart = lineStartAfter(this.lineStart, text);
    } else {
      ({ text, lineStart } = escapePlatformMarker(this.lineStart, neutraliseControls(text)));
      if (text.length === 0) return this.pendingBytes < HIGH_WATER_BYTES; // only controls
    }
    let bytes = Buffer.byteLength(text);
    const maxBytes = this.ctx.config.maxLogBytes;
    if (this.bytes + bytes > maxBytes) {
      this.truncated = true;
      text = `\n[runport] log truncated: it reached the limit of ${maxBytes} bytes\n`;
      stream = "system";
      bytes = Buffer.byteLength(text);
      lineStart = "";
    }
    this.lineStart = lineStart;
    this.pending.push({ stream, text, bytes });
    this.pendingBytes += bytes;
    if (this.pendingBytes >= FLUSH_BYTES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
    return this.heldBytes < HIGH_WATER_BYTES;
  }

  /**
   * Resolves when the text held is below the high-water mark again: as soon as a batch
   * has taken it, not when that batch is stored, so the producer refills while the
   * INSERT runs (memory: one batch being stored and at most one pending).
   */
  async drained(): Promise<void> {
    while (this.heldBytes >= HIGH_WATER_BYTES) {
      const lower = new Promise<void>((resolve) => this.drainWaiters.push(resolve));
      void this.flush();
      await lower;
    }
  }

  /**
   * Stores what is pending, after the batch being stored. Resolves once a batch that
   * began after this call has ended: everything written before it has been tried.
   */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // One batch waits behind the running one and takes all that is pending when it
    // starts: a flush per write under a flood would queue a train of tiny INSERTs.
    this.queued ??= this.flushing = this.flushing.then(() => {
      this.queued = null;
      return this.writeBatch().finally(() => this.wakeDrained());
    });
    return this.queued;
  }

  private wakeDrained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * Final flush, waiting as long as the database is away (the outcome waits for it too);
   * stores the log size on the run. Throws if a batch could not be stored for another reason.
   */
  async close(): Promise<number> {
    await this.flush();
    while (this.unsent.length > 0 || this.pending.length > 0) await this.flush();
    if (this.failure) throw this.failure;
    const end = await this.startOffset();
    await this.ctx.db.update(runs).set({ logBytes: end }).where(eq(runs.id, this.run.id));
    return end;
  }

  private async startOffset(): Promise<number> {
    this.offset ??= await readLogEnd(this.ctx, this.run.id);
    return this.offset;
  }

  private takeRows(start: number): LogRow[] {
    const rows: LogRow[] = [];
    for (const segment of this.pending) {
      const last = rows[rows.length - 1];
      if (
        last &&
        last.stream === segment.stream &&
        last.length + segment.bytes <= MAX_CHUNK_BYTES
      ) {
        last.content += segment.text;
        last.length += segment.bytes;
      } else {
        const offset = last ? last.offset + last.length : start;
        rows.push({
          runId: this.run.id,
          attempt: this.run.attempt,
          offset,
          length: segment.bytes,
          stream: segment.stream,
          content: segment.text,
        });
      }
    }
    this.pending = [];
    this.pendingBytes = 0;
    return rows;
  }

  private async writeBatch(): Promise<void> {
    if (this.pending.length === 0 && this.unsent.length === 0) return;
    // A batch whose answer was lost is sent again alone, never with newer text: a duplicate
    // key then means exactly these rows were stored, and no newer row is skipped with them.
    const retrying = this.unsent.length > 0;
    let rows: LogRow[];
    try {
      rows = retrying ? this.unsent : this.takeRows(await this.startOffset());
    } catch (error) {
      return this.retryLater(error);
    }
    const last = rows[rows.length - 1]!;
    const end = last.offset + last.length;
    // Taken from pending, not stored yet: still part of the log's size (the limit's count).
    if (!retrying) this.inFlightBytes = end - rows[0]!.offset;
    if (!retrying) this.wakeDrained();
    try {
      await this.ctx.db.insert(runLogs).values(rows);
    } catch (error) {
      // One multi-row INSERT is all or nothing: a duplicate offset means that an earlier
      // try of this very batch was stored and only its answer was lost.
      if (!isDuplicateKey(error)) {
        if (isUnavailable(error)) {
          this.inFlightBytes = 0;
          this.unsent = rows;
          this.unsentBytes = end - rows[0]!.offset;
          return this.retryLater(error);
        }
        // Keep the offsets continuous even if a batch is lost; report it once at close.
        this.failure ??= error instanceof Error ? error : new Error(String(error));
        this.ctx.log.error({ err: error, runId: this.run.publicId }, "could not store log chunk");
      }
    }
    this.unsent = [];
    this.unsentBytes = 0;
    this.inFlightBytes = 0;
    this.offset = end;
    if (this.retries > 0)
      this.ctx.log.info({ runId: this.run.publicId }, "the database is back: log stored");
    this.retries = 0;
    // Live tails only; never wait for Redis here (the database is the log).
    void this.ctx.redis
      .publish(this.ctx.keys.runChannel(this.run.publicId), JSON.stringify({ type: "log", end }))
      .catch(() => undefined);
    if (retrying && this.pending.length > 0) return this.writeBatch();
  }

  /**
   * The database is away (stopped, restarting): keep the text and try again after a
   * pause (0.25 s, 0.5 s ... 5 s), inside the flush chain so that nothing overtakes it.
   * The process's pipes stay paused while more than 512 KiB wait, so memory stays bounded.
   */
  private async retryLater(error: unknown): Promise<void> {
    if (this.retries === 0)
      this.ctx.log.warn(
        { err: error, runId: this.run.publicId },
        "the database does not answer: keeping the log until it does",
      );
    const wait = Math.min(250 * 2 ** this.retries, 5000);
    this.retries++;
    await new Promise((resolve) => setTimeout(resolve, wait));
    this.timer ??= setTimeout(() => void this.flush(), 0);
  }
}

function isDuplicateKey(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    if ((e as { code?: unknown }).code === "ER_DUP_ENTRY") return true;
    e = e.cause;
  }
  return false;
}
