import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  launchBrowser,
  openSession,
  screenshot,
  setEditorText,
  signIn,
  type Session,
} from "./support/browser";
import { SYSTEM_PYTHON } from "@/scripts/ops/fixture-writers";
import { cli, curl } from "./support/cli";

const baseUrl = inject("baseUrl");
const PASSWORD = "nfcore-password-1";
const example = readFileSync(path.resolve("pipelines/fastq-subsample/example.json"), "utf8");

let browser: Browser;
let nora: Session;

beforeAll(async () => {
  await cli("user", "create", "nora", "--role", "submitter", "--password", PASSWORD);
  browser = await launchBrowser();
  nora = await openSession(browser);
  await signIn(nora.page, "nora", PASSWORD);
});

afterAll(async () => {
  await browser?.close();
});

describe("an nf-core-style pipeline (fastq-subsample) in Chromium", () => {
  it("shows its help on the pipeline page and folds the hidden fields under Advanced", async () => {
    const { page } = nora;
    await page.goto(`${baseUrl}/pipelines/fastq-subsample`);
    const main = page.locator("main");
    expect(await main.textContent()).toContain("input[].sample");
    const advanced = page.locator("details", { hasText: "Advanced: 2 hidden fields" });
    expect(await advanced.count()).toBe(1);
    const level = advanced.getByText("compression_level", { exact: true });
    expect(await level.isVisible()).toBe(false);
    await advanced.locator("summary").first().click();
    expect(await level.isVisible()).toBe(true);
    const seedHelp = page
      .locator("tr", { hasText: "Seed of the choice" })
      .locator("details", { hasText: "More help" });
    await seedHelp.locator("summary").click();
    expect(await seedHelp.textContent()).toContain("independent sub-sample");
    await screenshot(page, "nfcore-01-pipeline-page");
  });

  it("shows help_text on hover, names a repeated sample, and runs the valid document", async () => {
    const { page } = nora;
    await page.goto(`${baseUrl}/new?pipeline=fastq-subsample`);
    const repeated = example.replace('"sample": "sample2"', '"sample": "sample1"');
    await setEditorText(page, repeated);
    await expect
      .poll(() => page.locator("#problems").textContent(), { timeout: 10_000 })
      .toContain("repeats entry 1");
    await page.locator(".monaco-editor .view-line span", { hasText: '"seed"' }).first().hover();
    await expect
      .poll(() => page.locator(".monaco-hover").first().textContent(), { timeout: 10_000 })
      .toContain("independent sub-sample");
    await screenshot(page, "nfcore-02-editor");

    await setEditorText(page, example);
    await expect
      .poll(() => page.getByRole("status").last().textContent(), { timeout: 10_000 })
      .toContain("Valid for fastq-subsample@1.0.0");
    await page.keyboard.press("ControlOrMeta+Enter");
    await page.waitForURL(/\/runs\/[0-9a-z]{26}$/);
    await expect
      .poll(() => page.locator("h1").textContent(), { timeout: 30_000 })
      .toContain("Succeeded");
    await expect
      .poll(() => page.getByRole("log").textContent(), { timeout: 10_000 })
      .toContain("Kept 180 of 700 reads");
    await screenshot(page, "nfcore-03-run-succeeded");
  });

  it("runs from the old curl command and from its template filled in by openpyxl", async () => {
    const user = `nora:${PASSWORD}`;
    const dir = mkdtempSync(path.join(os.tmpdir(), "runport-nfcore-"));
    try {
      const sent = await curl([
        "--user",
        user,
        "--request",
        "POST",
        "--header",
        "Content-type: application/json",
        "--data-binary",
        "@pipelines/fastq-subsample/example.json",
        `${baseUrl}/api/v1/new-run/`,
      ]);
      expect(sent.status, sent.body).toBe(201);
      const template = path.join(dir, "template.xlsx");
      const download = await curl([
        "--user",
        user,
        "-o",
        template,
        `${baseUrl}/api/v1/pipelines/fastq-subsample/template.xlsx`,
      ]);
      expect(download.status).toBe(200);
      const {
        pipeline: _pipeline,
        input,
        ...run
      } = JSON.parse(example) as {
        pipeline: string;
        input: Record<string, unknown>[];
      };
      const values = path.join(dir, "values.json");
      writeFileSync(values, JSON.stringify({ sheet: "input", run, rows: input }));
      const filled = spawnSync(
        SYSTEM_PYTHON,
        ["scripts/fixtures/fill-with-openpyxl.py", template, dir, values, "--no-copies"],
        { encoding: "utf8", timeout: 60_000 },
      );
      expect(filled.status, filled.stderr).toBe(0);
      const uploaded = await curl([
        "--user",
        user,
        "-F",
        `file=@${path.join(dir, "openpyxl-filled.xlsx")}`,
        `${baseUrl}/api/v1/runs`,
      ]);
      expect(uploaded.status, uploaded.body).toBe(201);
      for (const answer of [sent, uploaded]) {
        const { id } = JSON.parse(answer.body) as { id: string };
        await expect
          .poll(
            async () => {
              const { body } = await curl(["--user", user, `${baseUrl}/api/v1/runs/${id}`]);
              return (JSON.parse(body) as { status: string }).status;
            },
            { timeout: 60_000, interval: 250 },
          )
          .toBe("succeeded");
        const log = await curl(["--user", user, `${baseUrl}/api/v1/runs/${id}/logs`]);
        expect(log.body).toContain("Kept 180 of 700 reads");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
