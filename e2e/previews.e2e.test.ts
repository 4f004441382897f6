// Issue 17 items 1 and 2 in Chromium on the shared stack: a fastq-qc run's report charts
// (drawn, read out, exported) and its outputs previewed: qc.tsv sorted and filtered,
// qc.json as a tree; screenshots at 1366 and 390 px.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openSession, screenshot, signIn, type Session } from "./support/browser";
import { cli } from "./support/cli";

const baseUrl = inject("baseUrl");
const PASSWORD = "previews-password-1";
const example = JSON.parse(
  readFileSync(path.resolve("pipelines/fastq-qc/example.json"), "utf8"),
) as unknown;

let browser: Browser;
let user: Session;
let runId: string;
/** A second run of fastq-qc, for the comparison view. */
let otherRunId: string;

/** Submits fastq-qc's example from the signed-in page; the run's id. */
function submitExample(page: Page, name: string): Promise<string> {
  return page.evaluate(
    async ([config, name]) => {
      const response = await fetch("/api/v1/runs", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ pipeline: "fastq-qc", name, config }),
      });
      if (!response.ok) throw new Error(`POST /api/v1/runs: ${response.status}`);
      return ((await response.json()) as { id: string }).id;
    },
    [example, name] as const,
  );
}

/** The run's status, read from the signed-in page as its own scripts would. */
function status(page: Page, id: string): Promise<string> {
  return page.evaluate(async (id) => {
    const response = await fetch(`/api/v1/runs/${id}`);
    return ((await response.json()) as { status: string }).status;
  }, id);
}

beforeAll(async () => {
  await cli("user", "create", "previews-ann", "--role", "submitter", "--password", PASSWORD);
  browser = await launchBrowser();
  user = await openSession(browser);
  await signIn(user.page, "previews-ann", PASSWORD);
  [runId, otherRunId] = await Promise.all([
    submitExample(user.page, "previews first batch"),
    submitExample(user.page, "previews second batch"),
  ]);
  // Polled (expect.poll is for tests only): fastq-qc on the bundled files takes a second or two.
  const deadline = Date.now() + 60_000;
  for (const id of [runId, otherRunId]) {
    let now = await status(user.page, id);
    while (!["succeeded", "failed", "error", "cancelled"].includes(now) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      now = await status(user.page, id);
    }
    if (now !== "succeeded") throw new Error(`run ${id} is ${now}`);
  }
});

afterAll(async () => {
  await browser?.close();
});

/** The cells of one column of the preview table, top to bottom. */
async function column(page: Page, index: number): Promise<string[]> {
  return page
    .locator("#preview-title ~ * table tbody tr")
    .evaluateAll(
      (rows, i) => rows.map((row) => row.querySelectorAll("td")[i]?.textContent ?? ""),
      index,
    );
}

describe("run reports and output previews", () => {
  it("draws fastq-qc's report: three charts with thresholds, a table, data tables, PNG and SVG", async () => {
    const { page } = user;
    await page.goto(`${baseUrl}/runs/${runId}`);
    const charts = ["Reads per sample", "GC % per sample", "Mean quality per sample"];
    for (const title of charts) {
      await page.locator(`[data-chart="${title}"] svg`).first().waitFor({ timeout: 20_000 });
    }
    const gc = page.locator('[data-chart="GC % per sample"]');
    expect(await gc.getAttribute("role")).toBe("img");
    expect(await gc.getAttribute("aria-label")).toContain("GC under 35 % (at least 35)");
    // The threshold lines' labels are drawn in the SVG.
    expect(await gc.locator("svg").textContent()).toContain("GC over 65 %");
    // The Files table chart reads qc.tsv: one row per FASTQ file.
    const files = page
      .locator("figure", { has: page.locator("figcaption", { hasText: /^Files$/ }) })
      .locator("tbody tr");
    expect(await files.count()).toBe(4);
    // Table fallback: the samples with their values and the thresholds' verdict.
    const fallback = page.locator("figure", { has: gc }).locator("tbody tr");
    expect(await fallback.allTextContents()).toEqual([
      expect.stringMatching(/^sample1[\d.]+ok$/),
      expect.stringMatching(/^sample2[\d.]+ok$/),
    ]);
    const figure = page.locator("figure", { has: gc });
    const [svg] = await Promise.all([
      page.waitForEvent("download"),
      figure.getByRole("button", { name: "Save SVG" }).click(),
    ]);
    expect(svg.suggestedFilename()).toBe("GC-per-sample.svg");
    expect(readFileSync(await svg.path()).toString("utf8")).toMatch(/^<svg[^>]*xmlns/);
    const [png] = await Promise.all([
      page.waitForEvent("download"),
      figure.getByRole("button", { name: "Save PNG" }).click(),
    ]);
    expect(png.suggestedFilename()).toBe("GC-per-sample.png");
    expect(
      readFileSync(await png.path())
        .subarray(1, 4)
        .toString("latin1"),
    ).toBe("PNG");
    await screenshot(page, "previews-01-report-1366");
  });

  it("previews qc.tsv as a table sorted by a column and filtered", async () => {
    const { page } = user;
    await page.getByRole("button", { name: "Preview qc.tsv" }).click();
    await page.locator("#preview-title ~ * table tbody tr").first().waitFor();
    const headings = await page.locator("#preview-title ~ * table thead th").allTextContents();
    const reads = headings.indexOf("reads");
    expect(reads).toBeGreaterThan(0);
    const sortByReads = page.getByRole("button", { name: "reads", exact: true });
    await sortByReads.click();
    const ascending = (await column(page, reads)).map(Number);
    expect(ascending).toHaveLength(4);
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await sortByReads.click();
    const descending = (await column(page, reads)).map(Number);
    expect(descending).toEqual([...ascending].reverse());
    expect(await page.locator("th", { has: sortByReads }).getAttribute("aria-sort")).toBe(
      "descending",
    );
    await page.getByLabel("Filter").fill("sample2");
    await expect.poll(() => column(page, 2)).toEqual(["sample2", "sample2"]);
    await screenshot(page, "previews-02-tsv-table-1366");
  });

  it("previews qc.json as a collapsible tree, and fits a 390 px screen", async () => {
    const { page } = user;
    await page.getByRole("button", { name: "Preview qc.json" }).click();
    const tree = page.getByRole("list", { name: "Preview of qc.json" });
    await tree.waitFor();
    const samples = tree.locator("summary", { hasText: '"samples":' }).first();
    expect(await samples.textContent()).toContain("2 items");
    // The first sample, inside the samples array (files, before it, has a 0 too).
    const first = samples.locator("xpath=..").locator("summary", { hasText: /^0: / }).first();
    expect(await first.isVisible()).toBe(true);
    await samples.click(); // collapses
    expect(await first.isVisible()).toBe(false);
    await samples.click();
    expect(await tree.textContent()).toContain('"sampleName": "sample1"');
    await screenshot(page, "previews-03-json-tree-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/runs/${runId}`);
    await page.locator('[data-chart="Reads per sample"] svg').first().waitFor({ timeout: 20_000 });
    await page.getByRole("button", { name: "Preview qc.tsv" }).click();
    await page.locator("#preview-title ~ * table tbody tr").first().waitFor();
    // Nothing wider than the screen but the boxes that scroll.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(page, "previews-04-report-390");
  });

  it("compares the same charts of two runs side by side, and names what it left out", async () => {
    const { page } = user;
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${baseUrl}/runs/${runId}`);
    await page.getByRole("link", { name: "Compare with other runs" }).click();
    await page.waitForURL(/\/runs\/compare\?ids=/);
    await page.getByLabel(/Run ids/).fill(`${runId},${otherRunId},not-a-run`);
    await page.getByRole("button", { name: "Compare" }).click();
    const gc = page.getByRole("region", { name: "GC % per sample" });
    await expect
      .poll(() => gc.locator('[data-chart="GC % per sample"] svg').count(), { timeout: 20_000 })
      .toBe(2);
    expect(await gc.locator("h3").allTextContents()).toEqual([
      "previews first batch 1.0.0",
      "previews second batch 1.0.0",
    ]);
    expect(await page.getByRole("list", { name: "Runs left out" }).textContent()).toContain(
      '"not-a-run" is not a run id',
    );
    await screenshot(page, "previews-05-compare-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    // The runs scroll sideways in their row; the page itself fits.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await screenshot(page, "previews-06-compare-390");
    expect(user.refused).toEqual([]);
    expect(user.external).toEqual([]);
  });
});
