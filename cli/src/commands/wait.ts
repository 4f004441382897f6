/**
 * --wait: follows a run to its end. The run is read again while it moves (every 0.3 s,
 * slowing to 2 s while nothing changes); a terminal gets a progress bar redrawn in place,
 * anything else one line per change (for logs of scripts).
 */
import type { RunView } from "../../../lib/contract/runs";
import type { Context } from "../context";
import { clean, formatDuration, progressBar, progressLine } from "../format";
import { sleep } from "../http";
import { getRun } from "./runs";

const TERMINAL = new Set(["succeeded", "failed", "error", "cancelled"]);
const FIRST_MS = 300;
const MAX_MS = 2000;

export async function waitForRun(ctx: Context, id: string): Promise<RunView> {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let last = "";
  let interval = FIRST_MS;
  for (;;) {
    const run = await getRun(ctx, id);
    const line = progressLine(run);
    if (tty) {
      const elapsed = formatDuration(Date.now() - started);
      const text = `${progressBar(run.progress?.percent ?? null)} ${run.status} ${elapsed} ${clean(run.progress?.message ?? "")}`;
      const width = process.stderr.columns || 80;
      process.stderr.write(`\r${text.slice(0, width - 1).padEnd(width - 1)}`);
    } else if (line !== last) {
      ctx.note(`${id} ${line}`);
    }
    interval = line === last ? Math.min(MAX_MS, Math.round(interval * 1.5)) : FIRST_MS;
    last = line;
    if (TERMINAL.has(run.status)) {
      if (tty) process.stderr.write("\n");
      return run;
    }
    await sleep(interval);
  }
}
