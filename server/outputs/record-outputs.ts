import { sql } from "drizzle-orm";
import type { AppContext } from "../context";
import type { LogWriter } from "../runs/log-writer";
import { BeneathOpener } from "./open-beneath";
import { OutputBatch, type RecordedTotals } from "./output-batch";
import {
  CHUNK_BYTES,
  openRegularFile,
  readFileChunks,
  UnreadableFileError,
} from "./read-file-chunks";
import { quote, walkOutputs, type OutputFile } from "./walk-outputs";

export interface RecordOutputsOptions {
  run: { id: number; publicId: string };
  attempt: number;
  /** The attempt's outputs folder on this worker. */
  outputsDir: string;
  /** The uid every recorded file must have (RUN_AS_USER's): others are skipped with a note. */
  owner?: number;
  /** The run's log: one system line per note, and the summary. */
  log: Pick<LogWriter, "write">;
}

export interface OutputsSummary extends RecordedTotals {
  /** What was left out and why (also written to the log). */
  notes: string[];
  /** True when recording stopped at an error (the rows committed before it stay). */
  failed: boolean;
}

/** Notes written to the log at most; the rest are counted. */
const MAX_NOTES_IN_LOG = 20;
/** Raw chunk bytes per INSERT at most: the SQL text (hex) is twice that. */
const MAX_STATEMENT_BYTES = 4 * CHUNK_BYTES;

/**
 * Records the files an attempt left in its outputs folder, after its process exited:
 * path, size and SHA-256 of every regular file (links are not followed), and the content
 * of those up to OUTPUT_STORE_MAX_BYTES while the attempt's stored total stays within
 * OUTPUT_STORE_RUN_MAX_BYTES (depth first, in name order). Each file is read once, for
 * its hash and its chunks together. Never throws: a failure is logged, noted in the
 * run's log, and the run's outcome is recorded as usual.
 */
export async function recordOutputs(
  ctx: Pick<AppContext, "db" | "runTransaction" | "config" | "log" | "caches">,
  options: RecordOutputsOptions,
): Promise<OutputsSummary> {
  const { run, attempt, log } = options;
  const notes: string[] = [];
  let batch: OutputBatch | undefined;
  let failed = false;
  let omitted = 0;
  const opener = new BeneathOpener(options.outputsDir);
  try {
    const walk = await walkOutputs(options.outputsDir);
    notes.push(...walk.notes);
    omitted = walk.omitted;
    if (walk.files.length > 0) {
      batch = new OutputBatch(ctx, { runId: run.id, attempt }, await statementBytes(ctx));
      let budget = ctx.config.outputStoreRunMaxBytes;
      for (const file of walk.files) {
        budget -= await recordFile(batch, file, {
          maxBytes: Math.min(ctx.config.outputStoreMaxBytes, budget),
          notes,
          owner: options.owner,
          opener,
        });
      }
      await batch.flush();
    }
  } catch (error) {
    failed = true;
    ctx.log.error({ err: error, runId: run.publicId, attempt }, "could not record the outputs");
    notes.push("could not record all outputs: the worker's log has the error");
  } finally {
    await opener.close();
  }
  notes.push(...(batch?.notes ?? []));
  const totals = batch?.totals ?? { files: 0, bytes: 0, storedFiles: 0, storedBytes: 0 };
  writeSummary(log, { notes, omitted, totals });
  return { ...totals, notes, failed };
}

/** The notes (the first MAX_NOTES_IN_LOG) and the summary line, into the run's log. */
function writeSummary(
  log: RecordOutputsOptions["log"],
  { notes, omitted, totals }: { notes: string[]; omitted: number; totals: RecordedTotals },
): void {
  for (const note of notes.slice(0, MAX_NOTES_IN_LOG)) {
    log.write("system", `[runport] outputs: ${note}\n`);
  }
  const more = Math.max(0, notes.length - MAX_NOTES_IN_LOG) + omitted;
  if (more > 0) log.write("system", `[runport] outputs: ${more} more notes left out\n`);
  const files = `${totals.files} output ${totals.files === 1 ? "file" : "files"}`;
  log.write(
    "system",
    `[runport] recorded ${files} (${totals.bytes} bytes; ${totals.storedFiles} stored)\n`,
  );
}

/** Reads and records one file; returns the bytes it stored (0 when metadata only). */
async function recordFile(
  batch: OutputBatch,
  file: OutputFile,
  options: {
    maxBytes: number;
    notes: string[];
    owner: number | undefined;
    opener: BeneathOpener;
  },
): Promise<number> {
  let opened: Awaited<ReturnType<typeof openRegularFile>> | undefined;
  try {
    opened = await openRegularFile(options.opener, file.path, { owner: options.owner });
    const { handle, size } = opened;
    if (size > options.maxBytes) {
      const read = await readFileChunks(handle);
      await batch.add({ path: file.path, ...read, stored: false }, null);
      return 0;
    }
    if (size > CHUNK_BYTES) {
      return await batch.addLarge(file.path, async (write) => {
        const read = await readFileChunks(handle, size, write);
        return { ...read, complete: read.size === size };
      });
    }
    const chunks: Buffer[] = [];
    const read = await readFileChunks(handle, size, (chunk) => void chunks.push(chunk));
    const stored = read.size === size;
    await batch.add({ path: file.path, ...read, stored }, stored ? (chunks[0] ?? null) : null);
    return stored ? read.size : 0;
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    options.notes.push(`skipped ${quote(file.path)}: ${error.reason}`);
    return 0;
  } finally {
    await opened?.handle.close().catch(() => undefined);
  }
}

/**
 * Chunk bytes per INSERT that fit the server's max_allowed_packet (hex doubles them),
 * asked once per process (ctx.caches.packetSize).
 */
async function statementBytes(ctx: Pick<AppContext, "db" | "caches">): Promise<number> {
  const cache = ctx.caches.packetSize;
  let packet = cache.get("packet");
  if (!packet) {
    packet = ctx.db.execute(sql`SELECT @@max_allowed_packet AS packet`).then((result) => {
      const [rows] = result as unknown as [{ packet: number | string }[]];
      return Number(rows[0]?.packet ?? 0);
    });
    void packet.catch(() => cache.delete("packet"));
    cache.set("packet", packet);
  }
  const half = Math.floor((await packet) / 2) - 64 * 1024;
  return Math.max(CHUNK_BYTES, Math.min(MAX_STATEMENT_BYTES, half));
}
