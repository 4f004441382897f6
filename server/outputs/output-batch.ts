import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database, Statement } from "@/db/client";
import { runOutputChunks, runOutputs } from "@/db/schema";
import type { AppContext } from "../context";
import { quote } from "./walk-outputs";

type Db = Pick<Database, "insert" | "select" | "update" | "delete">;

export interface OutputRow {
  path: string;
  size: number;
  sha256: string;
  stored: boolean;
}

export interface RecordedTotals {
  files: number;
  bytes: number;
  storedFiles: number;
  storedBytes: number;
}

/** Rows per INSERT of output rows (paths are at most 512 characters). */
const ROWS_PER_BATCH = 200;

/**
 * Writes one attempt's output rows and chunks in few round trips: whole small files are
 * collected (up to 200, or `statementBytes` of content) and written together in one
 * transaction sent at once; a large file streams its chunks into its own transaction as
 * they are read. Totals count committed rows only.
 *
 * The table compares paths as its collation does (case and accents ignored), so two
 * files may be one row to it: the second is left out with a note, never mixed up.
 */
export class OutputBatch {
  readonly totals: RecordedTotals = { files: 0, bytes: 0, storedFiles: 0, storedBytes: 0 };
  readonly notes: string[] = [];
  private rows: { row: OutputRow; content: Buffer | null }[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly ctx: Pick<AppContext, "db" | "runTransaction">,
    private readonly target: { runId: number; attempt: number },
    /** Raw chunk bytes per INSERT (the SQL text is about twice as long). */
    private readonly statementBytes: number,
  ) {}

  /** Adds a file whose content (at most one chunk; null when not stored) is known. */
  async add(row: OutputRow, content: Buffer | null): Promise<void> {
    const bytes = content?.length ?? 0;
    if (this.rows.length >= ROWS_PER_BATCH || this.pendingBytes + bytes > this.statementBytes) {
      await this.flush();
    }
    this.rows.push({ row, content });
    this.pendingBytes += bytes;
  }

  /**
   * Writes what add() collected as one transaction in one round trip: the rows, each
   * stored file's chunk (found by its exact path), and a SELECT of which rows are there.
   */
  async flush(): Promise<void> {
    const pending = this.rows;
    if (pending.length === 0) return;
    this.rows = [];
    this.pendingBytes = 0;
    const { runId, attempt } = this.target;
    const rows = pending.map((p) => p.row);
    const statements: Statement[] = [this.insertRowsQuery(this.ctx.db, rows).toSQL()];
    for (const { row, content } of pending) {
      if (!content || content.length === 0) continue;
      statements.push({
        sql: `INSERT INTO run_output_chunks (output_id, seq, data)
              SELECT id, 0, ? FROM run_outputs
              WHERE run_id = ? AND attempt = ? AND path = ? COLLATE utf8mb4_bin`,
        params: [content, runId, attempt, row.path],
      });
    }
    statements.push(this.selectIdsQuery(this.ctx.db, rows).toSQL());
    const results = await this.ctx.runTransaction(statements);
    const found = results[results.length - 1] as { id: number | string; path: string }[];
    const ids = this.exactIds(rows, found);
    for (const row of rows) if (ids.has(row.path)) this.count(row);
  }

  /**
   * Stores a file of more than one chunk: `read` calls `write` with each chunk in order
   * and returns the size and hash it read; the content is kept only when `complete`.
   */
  async addLarge(
    path: string,
    read: (
      write: (chunk: Buffer) => Promise<void>,
    ) => Promise<{ size: number; sha256: string; complete: boolean }>,
  ): Promise<number> {
    const row = await this.ctx.db.transaction(async (tx) => {
      const outputId = (
        await this.insertRows(tx, [{ path, size: 0, sha256: "", stored: true }])
      ).get(path);
      if (outputId === undefined) return null;
      let seq = 0;
      let pending: (typeof runOutputChunks.$inferInsert)[] = [];
      let pendingBytes = 0;
      const writePending = async () => {
        if (pending.length > 0) await tx.insert(runOutputChunks).values(pending);
        pending = [];
        pendingBytes = 0;
      };
      const result = await read(async (chunk) => {
        if (pendingBytes + chunk.length > this.statementBytes) await writePending();
        pending.push({ outputId, seq: seq++, data: chunk });
        pendingBytes += chunk.length;
      });
      if (result.complete) await writePending();
      else await tx.delete(runOutputChunks).where(eq(runOutputChunks.outputId, outputId));
      const done = { path, size: result.size, sha256: result.sha256, stored: result.complete };
      await tx.update(runOutputs).set(done).where(eq(runOutputs.id, outputId));
      return done;
    });
    if (!row) return 0;
    this.count(row);
    return row.stored ? row.size : 0;
  }

  /** Inserts rows (or leaves alone those the unique index already holds); returns exact ids. */
  private async insertRows(tx: Db, rows: readonly OutputRow[]): Promise<Map<string, number>> {
    await this.insertRowsQuery(tx, rows);
    return this.exactIds(rows, await this.selectIdsQuery(tx, rows));
  }

  private insertRowsQuery(db: Db, rows: readonly OutputRow[]) {
    const { runId, attempt } = this.target;
    const now = new Date();
    return db
      .insert(runOutputs)
      .values(rows.map((row) => ({ ...row, runId, attempt, createdAt: now })))
      .onDuplicateKeyUpdate({ set: { id: sql`${runOutputs.id}` } });
  }

  private selectIdsQuery(db: Db, rows: readonly OutputRow[]) {
    const { runId, attempt } = this.target;
    return db
      .select({ id: runOutputs.id, path: runOutputs.path })
      .from(runOutputs)
      .where(
        and(
          eq(runOutputs.runId, runId),
          eq(runOutputs.attempt, attempt),
          inArray(
            runOutputs.path,
            rows.map((row) => row.path),
          ),
        ),
      );
  }

  /**
   * The ids of the rows whose stored path is exactly theirs. A row the unique index
   * refused (its path equals another's to the collation) is left out with a note.
   */
  private exactIds(
    rows: readonly OutputRow[],
    found: readonly { id: number | string; path: string }[],
  ): Map<string, number> {
    const ids = new Map(found.map((r) => [r.path, Number(r.id)]));
    for (const row of rows) {
      if (!ids.has(row.path)) {
        this.notes.push(
          `skipped ${quote(row.path)}: another output's path differs from it only in case, accents or trailing spaces`,
        );
      }
    }
    return ids;
  }

  private count(row: OutputRow): void {
    this.totals.files += 1;
    this.totals.bytes += row.size;
    if (row.stored) {
      this.totals.storedFiles += 1;
      this.totals.storedBytes += row.size;
    }
  }
}
