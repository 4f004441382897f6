import { percentile } from "./stats";

/** log-flood writes lines of exactly this many bytes: "<9-digit n> <13-digit ms> x…x\n". */
export const FLOOD_LINE_BYTES = 100;

/**
 * Checks the lines of a live log of log-flood (whole, numbered 1, 2, 3, … without a gap)
 * and measures each one's lag: the time the reader got it minus the time in it.
 *
 * Sound because both ends read one clock (same machine, Date.now()), and each lag is an
 * upper bound of the true one: the pipeline stamps a line just before handing it to
 * stdout (it waits for drain, so nothing sits long in its own buffer), and the reader
 * notes when the network chunk that completed the line's SSE event reached it (bytes
 * that arrive while it is still parsing the previous event are noted late, not early).
 */
export function floodLineChecker(lines: number) {
  const lags = new Float64Array(lines);
  let partial = "";
  let inOrder = 0;
  let other = 0;
  const span = { firstStamp: NaN, lastStamp: NaN, firstAt: NaN, lastAt: NaN };
  return {
    add(text: string, at: number) {
      const all = partial + text;
      let start = 0;
      for (let end = all.indexOf("\n"); end >= 0; end = all.indexOf("\n", start)) {
        const line = all.slice(start, end);
        start = end + 1;
        const n = line.length === FLOOD_LINE_BYTES - 1 ? Number(line.slice(0, 9)) : NaN;
        if (n !== inOrder + 1) {
          other++;
          continue;
        }
        const stamp = Number(line.slice(10, 23));
        lags[inOrder++] = at - stamp;
        if (inOrder === 1) Object.assign(span, { firstStamp: stamp, firstAt: at });
        Object.assign(span, { lastStamp: stamp, lastAt: at });
      }
      partial = all.slice(start);
    },
    result() {
      const sorted = lags.subarray(0, inOrder).sort();
      const lag = {
        samples: inOrder,
        p50: percentile(sorted, 50),
        p90: percentile(sorted, 90),
        p99: percentile(sorted, 99),
        max: sorted[inOrder - 1] ?? NaN,
      };
      const writeSeconds = (span.lastStamp - span.firstStamp) / 1000;
      return {
        inOrder,
        other,
        lag,
        writeSeconds,
        readSeconds: (span.lastAt - span.firstAt) / 1000,
      };
    },
  };
}
