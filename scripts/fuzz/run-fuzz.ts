/**
 * The fuzz loop: each target's share of the cases through fast-check, one case at a time
 * (so that the stored-runs count belongs to that case), the health probe polling beside
 * it. A failure is shrunk by fast-check and kept with its seed and path; the target then
 * goes on with the rest of its share, counting that kind of failure as known.
 */
import fc from "fast-check";
import type { FuzzRequest, FuzzTarget } from "./fuzz-request";
import { quantile, startHealthProbe } from "./health-probe";
import { describeRequest, sendCase, type CaseServer } from "./send-case";

export interface FuzzFailure {
  target: string;
  problems: string[];
  request: string;
  seed: number;
  path: string;
}

interface HealthFigures {
  polls: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function healthFigures(latencies: number[]): HealthFigures {
  return {
    polls: latencies.length,
    p50Ms: Math.round(quantile(latencies, 0.5)),
    p99Ms: Math.round(quantile(latencies, 0.99)),
    maxMs: Math.round(Math.max(0, ...latencies)),
  };
}

interface TargetStats {
  cases: number;
  statuses: Record<string, number>;
  reasons: Record<string, number>;
}

export interface FuzzFigures {
  cases: number;
  perTarget: Record<string, TargetStats>;
  accepted: number;
  stored: number;
  /** /api/health while the cases ran; `idle`: the same before any case, for comparison. */
  health: HealthFigures & {
    over100: number;
    failed: number;
    failedStatuses: string[];
    /** Before any case, the probe's first poll apart (`firstMs`: its own start-up included). */
    idle: HealthFigures & { firstMs: number };
  };
  slowHealth: { ms: number; at: string; during: string[] }[];
  failures: FuzzFailure[];
  seconds: number;
}

export interface FuzzOptions {
  server: CaseServer;
  targets: FuzzTarget[];
  authorizations: string[];
  cases: number;
  seed: number;
  /** Replays one counterexample (`seed` and `path` of a failure) of the target named. */
  replay?: { target: string; path: string };
  progress?: (line: string) => void;
  /** Seconds of health polls before the first case (the machine's own latency). */
  idleSeconds?: number;
}

/** What a failure is, without its details: a second one like it does not stop the target. */
const kindOf = (problems: string[]) =>
  problems.map((p) => p.replaceAll(/\d+/g, "N").slice(0, 80)).join(" | ");

export async function runFuzz(options: FuzzOptions): Promise<FuzzFigures> {
  const { server, targets } = options;
  const started = Date.now();
  const storedBefore = await server.countRuns();
  const probe = startHealthProbe(server.baseUrl);
  await new Promise((resolve) => setTimeout(resolve, (options.idleSeconds ?? 5) * 1000));
  const casesFrom = Date.now();
  const timeline: { from: number; to: number; label: string }[] = [];
  const figures: FuzzFigures = {
    cases: 0,
    perTarget: {},
    accepted: 0,
    stored: 0,
    failures: [],
    seconds: 0,
    health: {
      ...healthFigures([]),
      over100: 0,
      failed: 0,
      failedStatuses: [],
      idle: { ...healthFigures([]), firstMs: 0 },
    },
    slowHealth: [],
  };
  const share = Math.ceil(options.cases / targets.length);
  for (const [index, target] of targets.entries()) {
    if (options.replay && options.replay.target !== target.name) continue;
    const stats: TargetStats = { cases: 0, statuses: {}, reasons: {} };
    figures.perTarget[target.name] = stats;
    const known = new Set<string>();
    const property = fc.asyncProperty(
      target.arbitrary,
      fc.constantFrom(...options.authorizations),
      async (request: FuzzRequest, authorization: string) => {
        const from = Date.now();
        const outcome = await sendCase(server, request, authorization);
        timeline.push({
          from,
          to: Date.now(),
          label: `${target.name}: ${describeRequest(request).slice(0, 200)}`,
        });
        stats.cases += 1;
        figures.cases += 1;
        stats.statuses[outcome.status] = (stats.statuses[outcome.status] ?? 0) + 1;
        stats.reasons[outcome.reason] = (stats.reasons[outcome.reason] ?? 0) + 1;
        if (outcome.created) figures.accepted += 1;
        if (outcome.problems.length > 0 && !known.has(kindOf(outcome.problems))) {
          throw new Error(outcome.problems.join("\n"));
        }
      },
    );
    let remaining = options.replay ? 1 : share;
    let seed = options.seed + index;
    while (remaining > 0) {
      const before = stats.cases;
      const details = await fc.check(property, {
        seed,
        numRuns: remaining,
        ...(options.replay ? { path: options.replay.path } : {}),
      });
      remaining -= Math.max(1, stats.cases - before);
      options.progress?.(`${target.name}: ${stats.cases} cases`);
      if (!details.failed || !details.counterexample) break;
      const problems = String((details.errorInstance as Error | undefined)?.message ?? "").split(
        "\n",
      );
      known.add(kindOf(problems));
      figures.failures.push({
        target: target.name,
        problems,
        request: describeRequest(details.counterexample[0]),
        seed: details.seed,
        path: details.counterexamplePath ?? "",
      });
      options.progress?.(
        `FAILURE ${target.name}: ${problems[0]} (seed ${details.seed}, path ${details.counterexamplePath})`,
      );
      if (options.replay) break;
      seed += 1000;
    }
  }
  const polls = await probe.stop();
  figures.stored = (await server.countRuns()) - storedBefore;
  const answered = polls.filter((p) => p.status > 0);
  const during = answered.filter((p) => p.at >= casesFrom).map((p) => p.ms);
  figures.health = {
    ...healthFigures(during),
    over100: during.filter((ms) => ms > 100).length,
    failed: polls.filter((p) => p.at >= casesFrom && p.status !== 200).length,
    // 0: no answer within 10 s (not in the latencies above); else the status, e.g. 503.
    failedStatuses: polls
      .filter((p) => p.at >= casesFrom && p.status !== 200)
      .map((p) => `${p.status} after ${Math.round(p.ms)} ms`),
    idle: {
      ...healthFigures(answered.filter((p) => p.at < casesFrom && !p.first).map((p) => p.ms)),
      firstMs: Math.round(polls.find((p) => p.first)?.ms ?? 0),
    },
  };
  figures.slowHealth = polls
    .filter((p) => p.ms > 100)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map((p) => ({
      ms: Math.round(p.ms),
      // When it began: to find it in the processes' logs or a profile of the web.
      at: new Date(p.at).toISOString(),
      during: timeline.filter((c) => c.from <= p.at + p.ms && c.to >= p.at).map((c) => c.label),
    }));
  figures.seconds = Math.round((Date.now() - started) / 1000);
  return figures;
}
