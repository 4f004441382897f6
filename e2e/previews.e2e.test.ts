// Issue 17 items 1 and 2 in Chromium on the shared stack: a fastq-qc run's report charts
// (drawn, read out, exported) and its outputs previewed: qc.tsv sorted and filtered,
// qc.json as a tree; every preview kind on a run of the test pipeline preview-probe (the
// shared stack loads it: e2e/support/global-stack.ts); runs picked for comparison in the
// runs list and by project; screenshots at 1366 and 390 px.
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  launchBrowser,
  openSession,
  screenshot,
  SCREENSHOTS,
  signIn,
  type Session,
} from "./support/browser";
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
/** A third fastq-qc run, named as the first: the project "previews first batch" has two. */
let sameNameRunId: string;
/** A run of preview-probe (one output of each preview kind), also named "previews first batch". */
let probeRunId: string;
/** Rows of the probe's big.tsv: three pages of 200. */
const PROBE_ROWS = 450;

/** Submits a run from the signed-in page; the run's id. */
function submit(page: Page, pipeline: string, name: string, config: unknown): Promise<string> {
  return page.evaluate(
    async ([pipeline, config, name]) => {
      const response = await fetch("/api/v1/runs", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ pipeline, name, config }),
      });
      if (!response.ok) throw new Error(`POST /api/v1/runs: ${response.status}`);
      return ((await response.json()) as { id: string }).id;
    },
    [pipeline, config, name] as const,
  );
}

const submitExample = (page: Page, name: string) => submit(page, "fastq-qc", name, example);

/** The run's status, read from the signed-in page as its own scripts would. */
function status(page: Page, id: string): Promise<string> {
  return page.evaluate(async (id) => {
    const response = await fetch(`/api/v1/runs/${id}`);
    return ((await response.json()) as { status: string }).status;
  }, id);
}

beforeAll(async () => {
  await Promise.all(
    ["previews-ann", "previews-bob"].map((name) =>
      cli("user", "create", name, "--role", "submitter", "--password", PASSWORD),
    ),
  );
  browser = await launchBrowser();
  user = await openSession(browser);
  await signIn(user.page, "previews-ann", PASSWORD);
  // The probe first: the newest run named "previews first batch" is then a fastq-qc run.
  probeRunId = await submit(user.page, "preview-probe", "previews first batch", {
    tsvRows: PROBE_ROWS,
  });
  [runId, otherRunId] = await Promise.all([
    submitExample(user.page, "previews first batch"),
    submitExample(user.page, "previews second batch"),
  ]);
  sameNameRunId = await submitExample(user.page, "previews first batch");
  // Polled (expect.poll is for tests only): fastq-qc on the bundled files takes a second or two.
  const deadline = Date.now() + 60_000;
  for (const id of [runId, otherRunId, sameNameRunId, probeRunId]) {
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
    await page.getByRole("button", { name: "Compare", exact: true }).click();
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

/** A screenshot of the screen (not the whole page) with the preview panel at its top. */
async function panelShot(page: Page, name: string): Promise<void> {
  await page
    .locator('section[aria-labelledby="preview-title"]')
    .evaluate((panel) => panel.scrollIntoView({ block: "start" }));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Opens an output's preview on the run page shown; the panel it appears in. */
async function openPreview(page: Page, file: string): Promise<Locator> {
  await page.getByRole("button", { name: `Preview ${file}`, exact: true }).click();
  const panel = page.locator('section[aria-labelledby="preview-title"]');
  await panel.locator("#preview-title", { hasText: file }).waitFor();
  return panel;
}

/** Each output of the probe with what shows that its preview is there. */
const KINDS: [file: string, ready: (panel: Locator) => Locator][] = [
  ["report.html", (panel) => panel.locator("iframe")],
  ["pixel.png", (panel) => panel.locator("img")],
  ["pic.svg", (panel) => panel.locator("img")],
  ["notes.md", (panel) => panel.getByRole("heading", { name: "Notes", exact: true })],
  ["run.log", (panel) => panel.getByRole("region", { name: "Preview of run.log" })],
  ["big.tsv", (panel) => panel.locator("tbody tr").first()],
  ["data.csv", (panel) => panel.locator("tbody tr").first()],
  ["data.json", (panel) => panel.getByRole("list", { name: "Preview of data.json" })],
];

describe("every preview kind, on a run of preview-probe", () => {
  let probe: Session;
  /** What the probe's page logged, asked for and alerted. */
  const consoleLines: string[] = [];
  const requested: string[] = [];
  let dialogs = 0;

  beforeAll(async () => {
    probe = await openSession(browser);
    await signIn(probe.page, "previews-ann", PASSWORD);
    probe.page.on("console", (message) => consoleLines.push(message.text()));
    probe.page.on("request", (request) => requested.push(request.url()));
    probe.page.on("dialog", (dialog) => {
      dialogs += 1;
      void dialog.dismiss();
    });
    await probe.page.goto(`${baseUrl}/runs/${probeRunId}`);
  });

  afterAll(async () => {
    await probe?.context.close();
  });

  it("shows HTML in a sandboxed frame, served with its policy, its script not run", async () => {
    const { page } = probe;
    const panel = await openPreview(page, "report.html");
    const frame = panel.locator("iframe");
    expect(await frame.getAttribute("sandbox")).toBe("");
    expect(await frame.getAttribute("title")).toBe("Preview of report.html");
    const src = (await frame.getAttribute("src")) ?? "";
    expect(src).toMatch(new RegExp(`^/api/v1/runs/${probeRunId}/outputs/\\d+/raw$`));
    // The frame shows the report...
    expect(
      await page
        .frameLocator('iframe[title="Preview of report.html"]')
        .locator("#title")
        .textContent(),
    ).toBe("Report");
    const raw = await page.request.get(`${baseUrl}${src}`);
    const headers = raw.headers();
    expect(headers["content-type"]).toMatch(/^text\/html/);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["content-security-policy"]).toMatch(/^sandbox; default-src 'none';/);
    expect(headers["content-security-policy"]).not.toContain("allow-scripts");
    // ...and Chromium refused its script (which would fetch /api/v1/account and retitle it).
    await expect
      .poll(() =>
        consoleLines.some((line) => /Blocked script execution|Content Security Policy/.test(line)),
      )
      .toBe(true);
    expect(requested.filter((url) => url.includes("/api/v1/account"))).toEqual([]);
    expect(dialogs).toBe(0);
    await panelShot(page, "previews-10-html-1366");
  });

  it("shows PNG and SVG as images; the SVG's script does not run", async () => {
    const { page } = probe;
    for (const [file, width] of [
      ["pixel.png", 1],
      ["pic.svg", 10],
    ] as const) {
      const image = (await openPreview(page, file)).locator("img");
      expect(await image.getAttribute("alt")).toBe(`Preview of ${file}`);
      await expect
        .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
        .toBe(width);
    }
    expect(dialogs).toBe(0);
    await panelShot(page, "previews-11-svg-1366");
  });

  it("shows Markdown formatted, its raw HTML as text and no javascript: link", async () => {
    const { page } = probe;
    const panel = await openPreview(page, "notes.md");
    await panel.getByRole("heading", { name: "Notes", exact: true }).waitFor();
    expect(await panel.locator("strong").textContent()).toBe("bold");
    expect(await panel.textContent()).toContain("<script>alert(1)</script>");
    expect(await panel.locator("script").count()).toBe(0);
    expect(await panel.locator('a[href^="javascript"]').count()).toBe(0);
    expect(dialogs).toBe(0);
    await panelShot(page, "previews-12-markdown-1366");
  });

  it("shows text with line numbers that a copy leaves out, in a box the keyboard scrolls", async () => {
    const { page } = probe;
    const panel = await openPreview(page, "run.log");
    const box = panel.getByRole("region", { name: "Preview of run.log" });
    await box.waitFor();
    expect(
      await box
        .locator("td[data-line]")
        .evaluateAll((cells) => cells.map((c) => c.getAttribute("data-line"))),
    ).toEqual(["1", "2", "3"]);
    expect(await box.locator("td:not([data-line])").allTextContents()).toEqual([
      "one",
      "two",
      "three",
    ]);
    expect(
      await box
        .locator("td[data-line]")
        .first()
        .evaluate((cell) => getComputedStyle(cell).userSelect),
    ).toBe("none");
    await box.focus();
    expect(await box.evaluate((element) => element === document.activeElement)).toBe(true);
    await panelShot(page, "previews-13-text-1366");
  });

  it("pages, sorts (by keyboard) and filters a TSV table; reads quoted CSV", async () => {
    const { page } = probe;
    const panel = await openPreview(page, "big.tsv");
    const status = panel.locator("[aria-live=polite]");
    const ids = () => panel.locator("tbody tr td:first-child").allTextContents();
    await expect.poll(() => status.textContent()).toBe("Rows 1–200");
    // Sorted by value with the keyboard: Tab onto the heading's button, Enter.
    const byValue = panel.getByRole("button", { name: "value", exact: true });
    await byValue.focus();
    await page.keyboard.press("Enter");
    expect(
      await panel
        .locator("th", { has: page.getByRole("button", { name: "value", exact: true }) })
        .getAttribute("aria-sort"),
    ).toBe("ascending");
    const values = (await panel.locator("tbody tr td:nth-child(3)").allTextContents()).map(Number);
    expect(values).toHaveLength(200);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    // Filtered: the rows of the page with "s5" in a cell (samples s5 and s50–s59).
    const expected = Array.from({ length: 200 }, (_, i) => i).filter((i) =>
      `s${i % 97}`.includes("s5"),
    );
    await panel.getByLabel("Filter").fill("s5");
    await expect
      .poll(async () => (await ids()).map(Number).sort((a, b) => a - b))
      .toEqual(expected);
    await panel.getByLabel("Filter").fill("");
    const next = panel.getByRole("button", { name: "Next rows" });
    await next.click();
    await expect.poll(() => status.textContent()).toBe("Rows 201–400");
    await next.click();
    await expect.poll(() => status.textContent()).toBe(`Rows 401–${PROBE_ROWS} (the last)`);
    expect(await next.isDisabled()).toBe(true);
    await panel.getByRole("button", { name: "Previous rows" }).click();
    await expect.poll(() => status.textContent()).toBe("Rows 201–400");
    expect((await ids()).map(Number).sort((a, b) => a - b)[0]).toBe(200);
    await panelShot(page, "previews-14-tsv-1366");
    const csv = await openPreview(page, "data.csv");
    await csv.locator("tbody tr").first().waitFor();
    expect(
      await csv
        .locator("tbody tr")
        .evaluateAll((rows) =>
          rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent)),
        ),
    ).toEqual([
      ["Smith, J", 'said "hi"'],
      ["Lee", "two\nlines"],
    ]);
  });

  it("shows JSON as a tree the keyboard opens and closes; no preview for a binary file", async () => {
    const { page } = probe;
    const panel = await openPreview(page, "data.json");
    const tree = panel.getByRole("list", { name: "Preview of data.json" });
    const samples = tree.locator("summary", { hasText: '"samples":' });
    expect(await samples.textContent()).toContain("1 items");
    const details = samples.locator("xpath=..");
    expect(await details.evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
    await samples.focus();
    await page.keyboard.press("Enter");
    expect(await details.evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
    await page.keyboard.press("Space");
    expect(await details.evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
    expect(await tree.textContent()).toContain('"gc": 41.5');
    await panelShot(page, "previews-15-json-1366");
    expect(await page.getByRole("button", { name: "Preview blob.bin" }).count()).toBe(0);
  });

  it("fits each preview kind on a 390 px screen", async () => {
    const { page } = probe;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/runs/${probeRunId}`);
    await page
      .locator('section[aria-labelledby="outputs-title"]')
      .evaluate((outputs) => outputs.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: path.join(SCREENSHOTS, "previews-2x-outputs-390.png") });
    // The outputs' Preview and Download buttons are in view, inside the table's frame, not
    // behind a sideways scroll.
    const frame = await page
      .locator('section[aria-labelledby="outputs-title"] .table-frame')
      .boundingBox();
    const right = frame ? frame.x + frame.width : 0;
    for (const name of ["Preview report.html", "Download report.html"]) {
      const box = await page
        .getByRole(name.startsWith("Preview") ? "button" : "link", { name })
        .boundingBox();
      expect(box && box.x + box.width, name).toBeLessThanOrEqual(right);
    }
    for (const [file, ready] of KINDS) {
      await ready(await openPreview(page, file)).waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, file).toBeLessThanOrEqual(390);
      await panelShot(page, `previews-2x-${file.replace(".", "-")}-390`);
    }
    expect(dialogs).toBe(0);
    expect(probe.external).toEqual([]);
  });
});

describe("runs picked for comparison", () => {
  it("compares the runs checked in the runs list, and says why it cannot otherwise", async () => {
    const { page } = user;
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${baseUrl}/runs`);
    const compare = page.getByRole("button", { name: /^Compare selected/ });
    const why = page.locator("#compare-why");
    expect(await compare.isDisabled()).toBe(true);
    // Checked with the keyboard: focus, Space.
    await page.getByRole("checkbox", { name: `Select run ${runId}` }).focus();
    await page.keyboard.press("Space");
    expect(await why.textContent()).toContain("(1 selected)");
    await page.getByRole("checkbox", { name: `Select run ${probeRunId}` }).check();
    expect(await why.textContent()).toBe(
      "Only runs of one pipeline can be compared: fastq-qc, preview-probe are selected.",
    );
    expect(await compare.isDisabled()).toBe(true);
    await page.getByRole("checkbox", { name: `Select run ${probeRunId}` }).uncheck();
    await page.getByRole("checkbox", { name: `Select run ${otherRunId}` }).check();
    expect(await compare.isDisabled()).toBe(false);
    await screenshot(page, "previews-07-runs-picked-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await screenshot(page, "previews-07-runs-picked-390");
    await page.setViewportSize({ width: 1366, height: 900 });
    await compare.click();
    await page.waitForURL(`${baseUrl}/runs/compare?ids=${runId},${otherRunId}`);
    const gc = page.getByRole("region", { name: "GC % per sample" });
    await expect
      .poll(() => gc.locator('[data-chart="GC % per sample"] svg').count(), { timeout: 20_000 })
      .toBe(2);
  });

  it("compares a whole project's latest succeeded runs, of one pipeline", async () => {
    const { page } = user;
    await page.goto(`${baseUrl}/runs/compare`);
    await page.getByLabel("Project (run name)").fill("previews first batch");
    await page.getByRole("button", { name: "Compare its latest 8" }).click();
    await page.waitForURL(/project=previews/);
    const gc = page.getByRole("region", { name: "GC % per sample" });
    await expect
      .poll(() => gc.locator('[data-chart="GC % per sample"] svg').count(), { timeout: 20_000 })
      .toBe(2);
    // Newest first: the two fastq-qc runs of that name; the probe's run is named, left out.
    expect(
      await gc.locator("h3 a").evaluateAll((links) => links.map((a) => a.getAttribute("href"))),
    ).toEqual([`/runs/${sameNameRunId}`, `/runs/${runId}`]);
    expect(await page.getByRole("list", { name: "Runs left out" }).textContent()).toContain(
      '1 run of other pipelines named "previews first batch"',
    );
    await screenshot(page, "previews-08-compare-project-1366");
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, "previews-08-compare-project-390.png") });
    await page.setViewportSize({ width: 1366, height: 900 });
    // Another submitter's view of the same project: none of these runs.
    const bob = await openSession(browser);
    await signIn(bob.page, "previews-bob", PASSWORD);
    await bob.page.goto(`${baseUrl}/runs/compare?project=previews+first+batch&pipeline=fastq-qc`);
    expect(await bob.page.getByRole("list", { name: "Runs left out" }).textContent()).toBe(
      'No succeeded run is named "previews first batch"',
    );
    expect(await bob.page.locator("[data-chart]").count()).toBe(0);
    await bob.context.close();
  });
});
