import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { cli, curl } from "./support/cli";
import { fastqFacts } from "./support/fastq-facts";
import { testTempDir } from "@/test/temp-dir";

const exec = promisify(execFile);
const baseUrl = inject("baseUrl");
const runsDir = inject("runsDir");
const exampleDir = path.resolve("pipelines/fastq-qc");
const password = "alice-password-123";

async function waitForRun(id: string, auth: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { body } = await curl(["--user", auth, `${baseUrl}/api/v1/runs/${id}`]);
    const run = JSON.parse(body) as Record<string, unknown>;
    if (["succeeded", "failed", "error", "cancelled"].includes(String(run.status))) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${String(run.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  expect(
    await cli("user", "create", "alice", "--role", "submitter", "--password", password),
  ).toContain("created");
});

describe("the old portal's curl against the shipped fastq-qc example", () => {
  it("is accepted, runs on the worker and produces the right numbers", async () => {
    // Verbatim the old portal's command, run from the example's folder.
    const { stdout } = await exec(
      "curl",
      [
        "--request",
        "POST",
        "--user",
        `alice:${password}`,
        "--header",
        "Content-type: application/json",
        "-d",
        "@example.json",
        `${baseUrl}/api/v1/new-run/`,
      ],
      { cwd: exampleDir },
    );
    const submitted = JSON.parse(stdout) as { id: string; status: string; name: string };
    expect(submitted).toMatchObject({ status: "queued", name: "demo-qc" });

    const run = await waitForRun(submitted.id, `alice:${password}`);
    expect(run).toMatchObject({ status: "succeeded", exitCode: 0, attempt: 1 });
    expect((run.progress as { percent: number }).percent).toBe(100);

    const example = JSON.parse(readFileSync(path.join(exampleDir, "example.json"), "utf8")) as {
      dataFiles: { fastqPath: string; sampleName: string }[];
    };
    const report = JSON.parse(
      readFileSync(path.join(runsDir, submitted.id, "attempt-1", "outputs", "qc.json"), "utf8"),
    ) as {
      files: {
        fastqPath: string;
        reads: number;
        bases: number;
        composition: Record<string, number>;
        gcPercent: number;
        meanQuality: number;
      }[];
      totals: { reads: number; bases: number; files: number; samples: number };
    };
    let reads = 0;
    let bases = 0;
    for (const entry of example.dataFiles) {
      const facts = fastqFacts(path.join(exampleDir, entry.fastqPath));
      const file = report.files.find((f) => f.fastqPath === entry.fastqPath);
      expect(file).toMatchObject({
        reads: facts.reads,
        bases: facts.bases,
        composition: facts.composition,
      });
      const { A, C, G, T } = facts.composition;
      expect(file?.gcPercent).toBeCloseTo((100 * (G + C)) / (A + C + G + T), 2);
      expect(file?.meanQuality).toBeCloseTo(facts.qualitySum / facts.bases, 2);
      reads += facts.reads;
      bases += facts.bases;
    }
    expect(report.totals).toEqual({ files: 4, samples: 2, reads, bases });

    const log = await curl([
      "--user",
      `alice:${password}`,
      `${baseUrl}/api/v1/runs/${submitted.id}/logs`,
    ]);
    expect(log.body).toContain("sample1");
    expect(log.body).toContain("exited with code 0");

    // The live log is never gzipped (it would hold small events back): a browser asks for gzip.
    const { stdout: headers } = await exec("curl", [
      "--silent",
      "--max-time",
      "10",
      "--dump-header",
      "-",
      "--output",
      "/dev/null",
      "--user",
      `alice:${password}`,
      "-H",
      "Accept: text/event-stream",
      "-H",
      "Accept-Encoding: gzip, deflate, br",
      `${baseUrl}/api/v1/runs/${submitted.id}/logs`,
    ]);
    expect(headers.toLowerCase()).toContain("content-type: text/event-stream");
    expect(headers.toLowerCase()).not.toContain("content-encoding");
  });

  it("accepts an API token from `npm run user -- token` as the password", async () => {
    const token = await cli("user", "token", "alice");
    expect(token).toMatch(/^rp_[A-Za-z0-9_-]{43}$/);
    const result = await curl([
      "--user",
      `alice:${token}`,
      "-H",
      "Content-Type: application/json",
      "-d",
      '{"pipeline":"hello","name":"token"}',
      `${baseUrl}/api/v1/new-run`,
    ]);
    expect(result.status).toBe(201);
    const run = await waitForRun((JSON.parse(result.body) as { id: string }).id, `alice:${token}`);
    expect(run.status).toBe("succeeded");
  });
});

describe("bad input over real HTTP gets its precise error", () => {
  const post = (args: string[]) =>
    curl(["--user", `alice:${password}`, ...args, `${baseUrl}/api/v1/new-run/`]);

  it("400 malformed JSON, 415 wrong type, 413 too large, 422 schema, 401 no credentials", async () => {
    const malformed = await post([
      "-H",
      "Content-Type: application/json",
      "-d",
      '{"pipeline": "hello",}',
    ]);
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toMatchObject({ errors: [{ line: 1, column: 22 }] });
    expect((await post(["-d", "x=1"])).status).toBe(415);
    const bigFile = path.join(testTempDir("big"), "big.json");
    writeFileSync(bigFile, Buffer.alloc(10 * 1024 * 1024 + 1, 0x20));
    const huge = await post([
      "-H",
      "Content-Type: application/json",
      "--data-binary",
      `@${bigFile}`,
    ]);
    expect(huge.status).toBe(413);
    const invalid = await post([
      "-H",
      "Content-Type: application/json",
      "-d",
      '{"pipeline":"hello","name":7}',
    ]);
    expect(invalid.status).toBe(422);
    expect(JSON.parse(invalid.body)).toMatchObject({
      errors: [{ path: "/name", message: "must be a string, not an integer" }],
    });
    const anonymous = await curl([
      "-H",
      "Content-Type: application/json",
      "-d",
      "{}",
      `${baseUrl}/api/v1/new-run/`,
    ]);
    expect(anonymous.status).toBe(401);
  });

  it("reports health with a worker and an active beat", async () => {
    const health = JSON.parse((await curl([`${baseUrl}/api/health`])).body) as {
      status: string;
      workers: { count: number };
    };
    expect(health).toMatchObject({ status: "ok", workers: { count: 1 } });
  });
});
