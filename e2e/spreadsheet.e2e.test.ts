import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readXlsx } from "@/server/spreadsheets/read-workbook";
import { launchBrowser, openSession, screenshot, signIn, type Session } from "./support/browser";
import { cli, curl } from "./support/cli";
import { fastqFacts } from "./support/fastq-facts";
import { testTempDir } from "@/test/temp-dir";

const baseUrl = inject("baseUrl");
const runsDir = inject("runsDir");
const PASSWORD = "sheet-password-1";
const fixtures = path.resolve("server/spreadsheets/fixtures");
const expected = JSON.parse(
  readFileSync(path.join(fixtures, "libreoffice-filled.expected.json"), "utf8"),
) as { dataFiles: { fastqPath: string }[] };

let browser: Browser;
let sheila: Session;

beforeAll(async () => {
  await cli("user", "create", "sheila", "--role", "submitter", "--password", PASSWORD);
  browser = await launchBrowser();
  sheila = await openSession(browser);
  await signIn(sheila.page, "sheila", PASSWORD);
});

afterAll(async () => {
  await browser?.close();
});

async function waitForRun(id: string): Promise<{ status: string }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { body } = await curl(["--user", `sheila:${PASSWORD}`, `${baseUrl}/api/v1/runs/${id}`]);
    const run = JSON.parse(body) as { status: string };
    if (["succeeded", "failed", "error", "cancelled"].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The run's qc.json totals against the FASTQ files, counted independently. */
function expectRealOutputs(runId: string) {
  const report = JSON.parse(
    readFileSync(path.join(runsDir, runId, "attempt-1", "outputs", "qc.json"), "utf8"),
  ) as { totals: { reads: number; files: number } };
  const reads = expected.dataFiles
    .map((f) => fastqFacts(path.resolve("pipelines/fastq-qc", f.fastqPath)).reads)
    .reduce((a, b) => a + b, 0);
  expect(report.totals).toMatchObject({ files: 4, reads });
}

describe("spreadsheets with curl", () => {
  it("downloads the template, submits the workbook LibreOffice filled in, and the run succeeds", async () => {
    const dir = testTempDir("sheet");
    const template = path.join(dir, "template.xlsx");
    const download = await curl([
      "--user",
      `sheila:${PASSWORD}`,
      "-o",
      template,
      `${baseUrl}/api/v1/pipelines/fastq-qc/template.xlsx`,
    ]);
    expect(download.status).toBe(200);
    expect((await readXlsx(readFileSync(template))).pipeline).toBe("fastq-qc@1.0.0");

    const submitted = await curl(
      [
        "--user",
        `sheila:${PASSWORD}`,
        "-F",
        "file=@libreoffice-filled.xlsx",
        `${baseUrl}/api/v1/runs`,
      ],
      fixtures,
    );
    expect(submitted.status).toBe(201);
    const run = JSON.parse(submitted.body) as { id: string; name: string };
    expect(run.name).toBe("demo-qc");
    expect((await waitForRun(run.id)).status).toBe("succeeded");
    expectRealOutputs(run.id);
  });

  it("points curl users to the cells to fix, with the raw .xlsx body on the old route", async () => {
    const result = await curl(
      [
        "--user",
        `sheila:${PASSWORD}`,
        "-H",
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "--data-binary",
        "@libreoffice-mistakes.xlsx",
        `${baseUrl}/api/v1/new-run/`,
      ],
      fixtures,
    );
    expect(result.status).toBe(422);
    const problem = JSON.parse(result.body) as { errors: { cell: string }[] };
    expect(problem.errors.map((e) => e.cell)).toEqual([
      "Run!B5",
      "Run!B7",
      "dataFiles!B2",
      "dataFiles!E3",
      "dataFiles!C4",
    ]);
  });
});

describe("spreadsheets in the browser", () => {
  it("offers the template on the pipeline page", async () => {
    const { page } = sheila;
    await page.goto(`${baseUrl}/pipelines/fastq-qc`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download template (.xlsx)" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("fastq-qc-1.0.0-template.xlsx");
    const file = await download.path();
    expect((await readXlsx(readFileSync(file))).pipeline).toBe("fastq-qc@1.0.0");
    await page.locator("#template").scrollIntoViewIfNeeded();
    await screenshot(page, "20-pipeline-template");
  });

  it("lists each mistake of an uploaded workbook with its cell", async () => {
    const { page } = sheila;
    await page.goto(`${baseUrl}/new?pipeline=hello`);
    await page.locator('[data-testid="json-editor"][data-state="ready"]').waitFor();
    await page
      .getByLabel("Spreadsheet file (.xlsx, .ods, .xls or .csv)")
      .setInputFiles(path.join(fixtures, "libreoffice-mistakes.xlsx"));
    const list = page.getByRole("alert").filter({ hasText: "to fix in the spreadsheet" });
    await expect.poll(() => list.textContent(), { timeout: 10_000 }).toContain("dataFiles!B2");
    expect(await list.textContent()).toContain('Run!B7 expected a whole number, got "high"');
    // The workbook names fastq-qc: the page switched to it and the editor holds its JSON.
    expect(await page.locator("#pipeline").inputValue()).toBe("fastq-qc");
    await screenshot(page, "21-new-run-spreadsheet-problems");
  });

  it("puts a good workbook's JSON in the editor for review; submitted, the run succeeds", async () => {
    const { page } = sheila;
    await page.goto(`${baseUrl}/new?pipeline=hello`);
    await page.locator('[data-testid="json-editor"][data-state="ready"]').waitFor();
    await page
      .getByLabel("Spreadsheet file (.xlsx, .ods, .xls or .csv)")
      .setInputFiles(path.join(fixtures, "libreoffice-filled.xlsx"));
    await expect
      .poll(() => page.getByRole("status").filter({ hasText: "Read " }).textContent(), {
        timeout: 10_000,
      })
      .toContain("its JSON is in the editor");
    await expect
      .poll(() => page.getByRole("status").filter({ hasText: "Valid" }).textContent())
      .toContain("Valid for fastq-qc@1.0.0")
      .catch(async (error: unknown) => {
        await screenshot(page, "22-failed-spreadsheet-loaded"); // what the page showed instead
        throw error;
      });
    // Nothing was submitted by the upload itself.
    const runs = await curl(["--user", `sheila:${PASSWORD}`, `${baseUrl}/api/v1/runs?q=demo-qc`]);
    const before = (JSON.parse(runs.body) as { total: number }).total;
    await screenshot(page, "22-new-run-spreadsheet-loaded");
    await page.getByRole("button", { name: /Submit run/ }).click();
    await page.waitForURL(/\/runs\/[0-9a-z]{26}$/);
    const runId = page.url().split("/").pop()!;
    await expect
      .poll(() => page.locator("h1").textContent(), { timeout: 30_000 })
      .toContain("Succeeded");
    expectRealOutputs(runId);
    const after = await curl(["--user", `sheila:${PASSWORD}`, `${baseUrl}/api/v1/runs?q=demo-qc`]);
    expect((JSON.parse(after.body) as { total: number }).total).toBe(before + 1);
  });
});
