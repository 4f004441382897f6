import { and, asc, eq, gte, sql } from "drizzle-orm";
import { runLogs } from "@/db/schema";
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

const DEFAULT_PAGE_BYTES = 1024 * 1024;

/** Reads a run's log from a byte offset, at most about `limitBytes` (whole chunks). */
export async function getRunLogs(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; runId: string; cursor: number; limitBytes?: number },
): Promise<LogPage> {
  const { run } = await findRunFor(ctx, {
    principal: options.principal,
    runId: options.runId,
    access: "read",
  });
  return readLogPage(ctx, {
    runId: run.id,
    cursor: options.cursor,
    limitBytes: options.limitBytes ?? DEFAULT_PAGE_BYTES,
    running: !isTerminal(run.status),
  });
}

/** The log page itself; shared with the live tail. */
export async function readLogPage(
  ctx: Pick<AppContext, "db">,
  options: { runId: number; cursor: number; limitBytes: number; running: boolean },
): Promise<LogPage> {
  const { runId, cursor, limitBytes, running } = options;
  const start = sql`COALESCE((SELECT MAX(l.offset) FROM run_logs l WHERE l.run_id = ${runId} AND l.offset <= ${cursor}), 0)`;
  const chunks = await ctx.db
    .select({ offset: runLogs.offset, length: runLogs.length, content: runLogs.content })
    .from(runLogs)
    .where(and(eq(runLogs.runId, runId), gte(runLogs.offset, start)))
    .orderBy(asc(runLogs.offset))
    .limit(256);
  const parts: Buffer[] = [];
  let next = cursor;
  let bytes = 0;
  let truncated = false;
  for (const chunk of chunks) {
    const end = chunk.offset + chunk.length;
    if (end <= cursor) continue;
    if (bytes > 0 && bytes + chunk.length > limitBytes) {
      truncated = true;
      break;
    }
    const buffer = Buffer.from(chunk.content, "utf8");
    const part = cursor > chunk.offset ? buffer.subarray(cursor - chunk.offset) : buffer;
    parts.push(part);
    bytes += part.length;
    next = end;
  }
  // A full batch of chunks may have more behind it.
  if (chunks.length === 256) truncated = true;
  return {
    text: Buffer.concat(parts).toString("utf8"),
    nextCursor: next,
    moreData: running || truncated,
  };
}
