import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { isRunId } from "@/lib/ids";
import type { AppContext } from "@/server/context";
import { findExpiredRuns } from "@/server/runs/find-expired-runs";

const BATCH = 500;

/**
 * Retention on a worker's own disk: removes the working directories (all attempts,
 * outputs included) of runs that finished more than RETENTION_DAYS ago. The run rows
 * stay; the beat trims logs and stored outputs in MySQL. Folders of runs MySQL does not
 * know are left alone (they may belong to another installation). Returns how many
 * run folders it removed.
 */
export async function cleanWorkDirs(
  ctx: Pick<AppContext, "db" | "config" | "log">,
  options: { now?: Date } = {},
): Promise<number> {
  const { retentionDays, runsDir } = ctx.config;
  if (retentionDays <= 0) return 0;
  const cutoff = new Date((options.now ?? new Date()).getTime() - retentionDays * 86_400_000);
  const names = await readdir(runsDir).catch(() => [] as string[]);
  const ids = names.filter(isRunId);
  let removed = 0;
  for (let i = 0; i < ids.length; i += BATCH) {
    const expired = await findExpiredRuns(ctx, {
      runIds: ids.slice(i, i + BATCH),
      finishedBefore: cutoff,
    });
    for (const publicId of expired) {
      await rm(path.join(runsDir, publicId), { recursive: true, force: true });
      removed++;
    }
  }
  if (removed > 0) ctx.log.info({ removed, retentionDays }, "removed old working directories");
  return removed;
}
