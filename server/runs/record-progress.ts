import { and, eq, inArray } from "drizzle-orm";
import { runs } from "@/db/schema";
import { publishRunChange } from "../changes/publish-run-change";
import type { AppContext } from "../context";

/** A `::progress <percent> <message>` line printed by a pipeline on stdout. */
const PROGRESS_LINE = /^::progress\s+(\d{1,3}(?:\.\d+)?)%?(?:\s+(.*))?$/;

export interface Progress {
  percent: number;
  message: string | null;
}

/** Parses one stdout line of the progress protocol (null when it is an ordinary line). */
export function parseProgressLine(line: string): Progress | null {
  const match = PROGRESS_LINE.exec(line.trimEnd());
  if (!match) return null;
  const percent = Math.min(100, Math.max(0, Number(match[1])));
  const message = match[2]?.trim().slice(0, 500) || null;
  return { percent, message };
}

/**
 * Stores the latest progress of a running run and announces it to live viewers and, when
 * it was stored, on the change feed (the runs list shows progress). With `replacing`, only
 * while the run's message is still that one (the platform clearing its own message must
 * not undo progress the pipeline printed since), and announced only when stored.
 */
export async function recordProgress(
  ctx: Pick<AppContext, "db" | "redis" | "keys" | "log" | "missedChanges">,
  run: { id: number; publicId: string; userId: number },
  progress: Progress,
  options: { replacing?: string } = {},
): Promise<void> {
  const [result] = await ctx.db
    .update(runs)
    .set({ progressPercent: progress.percent, progressMessage: progress.message })
    .where(
      and(
        eq(runs.id, run.id),
        inArray(runs.status, ["running", "cancelling"]),
        options.replacing === undefined ? undefined : eq(runs.progressMessage, options.replacing),
      ),
    );
  if (options.replacing !== undefined && result.affectedRows === 0) return;
  if (result.affectedRows > 0) {
    void publishRunChange(ctx, {
      kind: "progress",
      run: run.publicId,
      userId: run.userId,
      status: null,
    });
  }
  await ctx.redis
    .publish(ctx.keys.runChannel(run.publicId), JSON.stringify({ type: "progress", ...progress }))
    .catch(() => undefined);
}
