// The submission fuzzer (scripts/fuzz, `npm run fuzz` runs 10,000 cases) in small: a few
// hundred cases with smaller costly inputs against the e2e stack, every time CI runs.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { openRunCounter } from "@/scripts/fuzz/count-runs";
import { runFuzz } from "@/scripts/fuzz/run-fuzz";
import { collectSeeds, createToken } from "@/scripts/fuzz/seeds";
import { quantile, startHealthProbe } from "@/scripts/fuzz/health-probe";
import { fuzzTargets } from "@/scripts/fuzz/targets";
import { watchWebProcess } from "@/scripts/fuzz/web-process";
import { cli } from "./support/cli";

const baseUrl = inject("baseUrl");
const password = "fuzz-e2e-password-1";
const basic = `Basic ${Buffer.from(`fuzzer:${password}`).toString("base64")}`;
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CASES = Number(process.env.FUZZ_CASES ?? 250);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
/**
 * The slowest /api/health answer allowed while large requests are read. `npm run fuzz` keeps
 * the strict 100 ms; here the bound must hold on a shared 2-core runner, where health idle
 * measured up to 230 ms (load average 13). What it catches is a request computing on the
 * event loop: a 20,000-row CSV held it 2.3–5.6 s before the CPU threads (server/cpu/).
 */
const HEALTH_MAX_MS = 500;

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
      expect(figures.health.maxMs).toBeLessThanOrEqual(HEALTH_MAX_MS);
      console.log(
        `fuzz e2e, seed ${SEED}: ${JSON.stringify({ ...figures, slowHealth: undefined })}`,
      );
    } finally {
      await counter.close();
    }
  });

  it(`answers /api/health within ${HEALTH_MAX_MS} ms while large valid spreadsheets and JSON are read`, async () => {
    const example = JSON.parse(readFileSync("pipelines/fastq-qc/example.json", "utf8")) as {
      dataFiles: Record<string, string>[];
    };
    const columns = Object.keys(example.dataFiles[0]!);
    const rows = Array.from({ length: 20_000 }, (_, i) =>
      columns.map((c) => (c === "sampleName" ? `s${i}` : example.dataFiles[0]![c])).join(","),
    );
    const csv = [columns.join(","), ...rows].join("\n");
    // 10,000 items: with every old-portal field of the example, 20,000 pass MAX_BODY_BYTES
    // (413) even compact; 10,000 are about 8 MB.
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      ...example.dataFiles[0]!,
      sampleName: i === 9_999 ? 7 : `s${i}`,
    }));
    const json = JSON.stringify({ ...example, dataFiles: items });
    const workbook = await fetch(
      `${baseUrl}/api/v1/pipelines/fastq-qc/template.xlsx?example=true`,
      { headers: { Authorization: basic } },
    ).then((r) => r.arrayBuffer());
    const post = async (path: string, type: string, body: string | ArrayBuffer) => {
      const response = await fetch(baseUrl + path, {
        method: "POST",
        headers: { Authorization: basic, "Content-Type": type },
        body,
      });
      await response.arrayBuffer();
      return `${path} ${response.status}`;
    };
    const probe = startHealthProbe(baseUrl, 20);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const answers = [
      await post("/api/v1/spreadsheets/convert?pipeline=fastq-qc@1.0.0", "text/csv", csv),
      await post("/api/v1/runs?pipeline=fastq-qc@1.0.0", "text/csv", csv),
      await post("/api/v1/new-run/?dryRun=true", "application/json", json),
      await post("/api/v1/spreadsheets/convert", XLSX, workbook),
    ];
    const polls = await probe.stop();
    expect(answers).toEqual([
      "/api/v1/spreadsheets/convert?pipeline=fastq-qc@1.0.0 200",
      "/api/v1/runs?pipeline=fastq-qc@1.0.0 422",
      "/api/v1/new-run/?dryRun=true 422",
      "/api/v1/spreadsheets/convert 200",
    ]);
    const ms = polls.map((p) => p.ms);
    console.log(
      `health during large inputs: ${ms.length} polls, p50 ${quantile(ms, 0.5).toFixed(0)} ms, p99 ${quantile(ms, 0.99).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms`,
    );
    expect(polls.every((p) => p.status === 200)).toBe(true);
    expect(Math.max(...ms)).toBeLessThanOrEqual(HEALTH_MAX_MS);
    expect(ms.length).toBeGreaterThan(20);
  });
});
