import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
import { runLogs } from "@/db/schema";
import { neutraliseControls } from "@/lib/logs/log-text";
import { isTerminal } from "@/lib/run-status";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { findRunFor } from "./find-run-for";

export interface LogPage {
  text: string;
  /** Byte offset to ask for next (`?cursor=`). */
  nextCursor: number;
  /** True while the run may still write, or when this page stopped at the size limit. */
  moreData: boolean;
}

/** A page of log: about 1 MiB unless asked otherwise. */
const PAGE_BYTES = 1024 * 1024;

/** Reads a run's log from a byte offset, at most about `limitBytes` (whole chunks). */
export async function getRunLogs(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; runId: string; cursor: number; limitBytes?: number },
): Promise<LogPage> {
  const { run } = await findRunFor(ctx, { ...options, access: "read" });
  const page = await readLogPage(ctx, {
    runId: run.id,
    cursor: options.cursor,
    limitBytes: options.limitBytes,
    running: !isTerminal(run.status),
  });
  // A finished run whose log rows are gone: retention removed them (the run row stays).
  if (options.cursor === 0 && page.text === "" && !page.moreData && run.logBytes > 0) {
    return { ...page, text: `[runport] ${RETENTION_NOTICE}\n` };
  }
  return page;
}

export const RETENTION_NOTICE =
  "this run's log was removed by retention (RETENTION_DAYS); its status, events and output list are kept";

const HEAD_BATCH = 256;

/**
 * The log page itself; shared with the live tail. Two reads: the chunks' offsets and
 * lengths first, then the content of only those that fit in the page (a reader that
 * fell behind never pulls hundreds of megabytes to use one). The text is served without
 * control characters (logs stored before the worker removed them still hold them), so a
 * terminal tailing it shows text only; cursors still count the stored bytes.
 */
export async function readLogPage(
  ctx: Pick<AppContext, "db">,
  options: { runId: number; cursor: number; limitBytes?: number; running: boolean },
): Promise<LogPage> {
  const { runId, cursor, limitBytes = PAGE_BYTES, running } = options;
  const start = sql`COALESCE((SELECT MAX(l.offset) FROM run_logs l WHERE l.run_id = ${runId} AND l.offset <= ${cursor}), 0)`;
  const heads = await ctx.db
    .select({ offset: runLogs.offset, length: runLogs.length })
    .from(runLogs)
    .where(and(eq(runLogs.runId, runId), gte(runLogs.offset, start)))
    .orderBy(asc(runLogs.offset))
    .limit(HEAD_BATCH);
  const wanted: typeof heads = [];
  let bytes = 0;
  // A full batch of chunks may have more behind it.
  let truncated = heads.length === HEAD_BATCH;
  for (const head of heads) {
    const end = head.offset + head.length;
    if (end <= cursor) continue;
    if (bytes > 0 && bytes + head.length > limitBytes) {
      truncated = true;
      break;
    }
    wanted.push(head);
    bytes += end - Math.max(cursor, head.offset);
  }
  const first = wanted[0];
  const last = wanted.at(-1);
  if (!first || !last) return { text: "", nextCursor: cursor, moreData: running || truncated };
  const chunks = await ctx.db
    .select({ offset: runLogs.offset, content: runLogs.content })
    .from(runLogs)
    .where(
      and(
        eq(runLogs.runId, runId),
        gte(runLogs.offset, first.offset),
        lte(runLogs.offset, last.offset),
      ),
    )
    .orderBy(asc(runLogs.offset));
  // Offsets count bytes: only a chunk the cursor points into needs a byte-wise cut.
  const parts = chunks.map((chunk) =>
    cursor > chunk.offset
      ? Buffer.from(chunk.content, "utf8")
          .subarray(cursor - chunk.offset)
          .toString("utf8")
      : chunk.content,
  );
  return {
    text: neutraliseControls(parts.join("")),
    nextCursor: last.offset + last.length,
    moreData: running || truncated,
  };
}
