import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SSCONVERT, SYSTEM_PYTHON } from "@/scripts/ops/fixture-writers";
import { cli, curl } from "./support/cli";
import { fastqFacts } from "./support/fastq-facts";

// The template downloaded from the running portal, filled in by openpyxl (by header
// name: columns other helpers add later do not shift it), re-saved by Gnumeric as .xlsx,
// .ods and .xls, and its samples sheet exported as CSV: each is submitted with curl as
// the README shows, runs, and reports the FASTQ numbers of the bundled data.

const baseUrl = inject("baseUrl");
const runsDir = inject("runsDir");
const PASSWORD = "writer-password-1";
const USER = `wendy:${PASSWORD}`;
const SCRIPT = path.resolve("scripts/fixtures/fill-with-openpyxl.py");
const expected = JSON.parse(
  readFileSync(
    path.resolve("server/spreadsheets/fixtures/libreoffice-filled.expected.json"),
    "utf8",
  ),
) as Record<string, unknown> & { dataFiles: { fastqPath: string }[] };

let dir: string;

beforeAll(async () => {
  await cli("user", "create", "wendy", "--role", "submitter", "--password", PASSWORD);
  dir = mkdtempSync(path.join(os.tmpdir(), "runport-writers-"));
  const template = path.join(dir, "template.xlsx");
  const download = await curl([
    "--user",
    USER,
    "-o",
    template,
    `${baseUrl}/api/v1/pipelines/fastq-qc/template.xlsx`,
  ]);
  expect(download.status).toBe(200);
  const made = spawnSync(SYSTEM_PYTHON, [SCRIPT, template, dir], {
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(made.status, made.stderr).toBe(0);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function waitForRun(id: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { body } = await curl(["--user", USER, `${baseUrl}/api/v1/runs/${id}`]);
    const { status } = JSON.parse(body) as { status: string };
    if (["succeeded", "failed", "error", "cancelled"].includes(status)) return status;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** qc.json's figures against the FASTQ files, counted by a second implementation. */
function expectFastqNumbers(runId: string): void {
  const report = JSON.parse(
    readFileSync(path.join(runsDir, runId, "attempt-1", "outputs", "qc.json"), "utf8"),
  ) as {
    totals: { files: number; samples: number; reads: number; bases: number };
    files: { reads: number; bases: number }[];
  };
  const facts = expected.dataFiles.map((f) =>
    fastqFacts(path.resolve("pipelines/fastq-qc", f.fastqPath)),
  );
  expect(report.files.map((f) => [f.reads, f.bases])).toEqual(facts.map((f) => [f.reads, f.bases]));
  expect(report.totals).toEqual({
    files: 4,
    samples: 2,
    reads: facts.reduce((sum, f) => sum + f.reads, 0),
    bases: facts.reduce((sum, f) => sum + f.bases, 0),
  });
  expect(report.totals.reads).toBeGreaterThan(0);
}

async function submit(fields: string[]): Promise<string> {
  const submitted = await curl(["--user", USER, ...fields, `${baseUrl}/api/v1/runs`], dir);
  expect(submitted.status, submitted.body).toBe(201);
  return (JSON.parse(submitted.body) as { id: string }).id;
}

describe("workbooks from openpyxl and Gnumeric, submitted with curl", () => {
  it("finds the writers installed (npm test installs them)", () => {
    expect(spawnSync(SSCONVERT, ["--version"]).status).toBe(0);
  });

  it.each([
    "openpyxl-filled.xlsx",
    "gnumeric-filled.xlsx",
    "gnumeric-filled.ods",
    "gnumeric-filled.xls",
  ])("%s runs and reports the FASTQ numbers", async (file) => {
    const id = await submit(["-F", `file=@${file}`]);
    expect(await waitForRun(id)).toBe("succeeded");
    expectFastqNumbers(id);
  });

  it("the samples sheet exported as CSV, with the other fields as config, runs too", async () => {
    // As the README shows it: the pipeline only in the envelope, which fills the config's.
    const { dataFiles: _samples, pipeline: _pipeline, ...config } = expected;
    const id = await submit([
      "-F",
      "file=@gnumeric-samples.csv",
      "-F",
      "pipeline=fastq-qc@1.0.0",
      "-F",
      `config=${JSON.stringify(config)}`,
    ]);
    expect(await waitForRun(id)).toBe("succeeded");
    expectFastqNumbers(id);
  });
});
