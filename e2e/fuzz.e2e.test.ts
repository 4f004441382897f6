// The submission fuzzer (scripts/fuzz, `npm run fuzz` runs 10,000 cases) in small: a few
// hundred cases with smaller costly inputs against the e2e stack, every time CI runs.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { openRunCounter } from "@/scripts/fuzz/count-runs";
import { runFuzz } from "@/scripts/fuzz/run-fuzz";
import { collectSeeds, createToken } from "@/scripts/fuzz/seeds";
import { fuzzTargets } from "@/scripts/fuzz/targets";
import { watchWebProcess } from "@/scripts/fuzz/web-process";
import { cli } from "./support/cli";

const baseUrl = inject("baseUrl");
const password = "fuzz-e2e-password-1";
const basic = `Basic ${Buffer.from(`fuzzer:${password}`).toString("base64")}`;
const CASES = Number(process.env.FUZZ_CASES ?? 250);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

beforeAll(async () => {
  expect(
    await cli("user", "create", "fuzzer", "--role", "submitter", "--password", password),
  ).toContain("created");
});

describe("the submission paths and query strings, fuzzed", () => {
  // Found by the fuzzer: Next.js answered a plain-text 500 before any route code ran.
  it("answers 404 problem+json for a path segment that is not percent-encoded UTF-8", async () => {
    for (const path of [
      "/api/v1/runs/%FF",
      "/api/v1/runs/%/logs",
      "/api/v1/pipelines/%E0%A4/template.xlsx",
      "/api/v1/schedules/%C3",
    ]) {
      const response = await fetch(baseUrl + path, { headers: { Authorization: basic } });
      const type = response.headers.get("content-type")?.split(";")[0];
      expect(`${path} → ${response.status} ${type}`).toBe(`${path} → 404 application/problem+json`);
    }
    const page = await fetch(`${baseUrl}/runs/%FF`, { redirect: "manual" });
    expect(page.status).toBe(404);
  });

  it(`answer ${CASES} odd inputs without a 5xx, a crash, an undeclared answer or a stray run`, async () => {
    const counter = await openRunCounter(inject("databaseUrl"), "fuzzer");
    try {
      const token = await createToken(baseUrl, basic);
      const seeds = await collectSeeds(baseUrl, basic, 0.01);
      const web = watchWebProcess(baseUrl);
      const figures = await runFuzz({
        server: { baseUrl, countRuns: () => counter.count(), webGone: () => web.gone() },
        targets: fuzzTargets(seeds),
        authorizations: [basic, `Bearer ${token}`],
        cases: CASES,
        seed: SEED,
        idleSeconds: 2,
      });
      const failures = figures.failures.map(
        (f) =>
          `${f.target}: ${f.problems.join("; ")}\n  ${f.request}\n  FUZZ_SEED=${f.seed} path ${f.path}`,
      );
      expect(failures, `seed ${SEED}`).toEqual([]);
      expect(await web.gone(true)).toBeNull();
      expect(figures.cases).toBeGreaterThanOrEqual(CASES);
      expect(figures.stored).toBe(figures.accepted);
      expect(figures.health.failed).toBe(0);
      // The strict 100 ms is `npm run fuzz`'s verdict, on a quiet machine; here, on shared CI
      // runners, a blocked event loop (seconds, as finding 5's deep JSON did) is what fails.
      expect(figures.health.maxMs).toBeLessThanOrEqual(
        Math.max(1000, 3 * figures.health.idle.maxMs),
      );
      console.log(
        `fuzz e2e, seed ${SEED}: ${JSON.stringify({ ...figures, slowHealth: undefined })}`,
      );
    } finally {
      await counter.close();
    }
  });
});
