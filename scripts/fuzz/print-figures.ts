/** The fuzz run's figures as a few lines of text. */
import type { FuzzFigures } from "./run-fuzz";

export function printFigures(figures: FuzzFigures, webPid: number, verbose = false): void {
  const line = (s = "") => console.log(s);
  line();
  line(`cases: ${figures.cases} in ${figures.seconds} s (web pid ${webPid} served them all)`);
  for (const [name, stats] of Object.entries(figures.perTarget)) {
    const statuses = Object.entries(stats.statuses)
      .map(([status, n]) => `${status}×${n}`)
      .join(" ");
    line(`  ${name.padEnd(36)} ${String(stats.cases).padStart(6)}  ${statuses}`);
    const reasons = Object.entries(stats.reasons).sort((a, b) => b[1] - a[1]);
    for (const [reason, n] of reasons.slice(0, verbose ? 40 : 4)) {
      line(`      ${String(n).padStart(5)}  ${reason}`);
    }
  }
  line(`accepted (201): ${figures.accepted}, stored runs: ${figures.stored}`);
  const h = figures.health;
  line(
    `/api/health during the cases: ${h.polls} polls, p50 ${h.p50Ms} ms, p99 ${h.p99Ms} ms, max ${h.maxMs} ms, ${h.over100} over 100 ms, ${h.failed} not 200`,
  );
  if (h.failedStatuses.length > 0) line(`  not 200: ${h.failedStatuses.join(", ")}`);
  line(
    `/api/health idle, before them: ${h.idle.polls} polls, p50 ${h.idle.p50Ms} ms, p99 ${h.idle.p99Ms} ms, max ${h.idle.maxMs} ms; the probe's first poll (its connection included) ${h.idle.firstMs} ms`,
  );
  for (const slow of figures.slowHealth) {
    line(
      `  ${slow.ms} ms at ${slow.at} during: ${slow.during.join(" / ") || "(no case in flight)"}`,
    );
  }
  line(`failures: ${figures.failures.length}`);
  for (const f of figures.failures) {
    line(`- ${f.target}: ${f.problems.join("; ").slice(0, 600)}`);
    line(`  shrunk: ${f.request.slice(0, 600)}`);
    line(
      `  replay: FUZZ_TARGET='${f.target}' FUZZ_SEED=${f.seed} FUZZ_PATH='${f.path}' npm run fuzz`,
    );
  }
}
