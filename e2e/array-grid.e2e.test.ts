/**
 * The schema form's array grid in Debian's Chromium, keyboard only, on fastq-qc's dataFiles
 * with 10,000 rows: a harness page bundled from the component (no Next.js build, no stack; it
 * runs in the e2e-own project, see vitest.config.mts).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GridChange } from "@/components/schema-form/array-grid";
import { launchBrowser, SCREENSHOTS } from "./support/browser";
import { type GridPage, startGridPage } from "./support/array-grid-page";

let server: GridPage;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startGridPage(), launchBrowser()]);
  context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], {
    origin: new URL(server.url).origin,
  });
  page = await context.newPage();
  await page.goto(`${server.url}?rows=10000&maxItems=10001`);
  await page.locator("body[data-ready=true]").waitFor();
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

const focused = () =>
  page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.pointer ?? null);
const calls = () => page.evaluate<GridChange[][]>(() => window.gridHarness.calls);
const lastCall = async () => (await calls()).at(-1);
const renderedRows = () => page.locator('[role="grid"] [role="row"]').count();

describe("array grid in Chromium", () => {
  it("renders 10,000 rows with only the visible ones in the DOM, and the grid's ARIA", async () => {
    const grid = page.getByRole("grid", { name: "Data files" });
    expect(await grid.getAttribute("aria-rowcount")).toBe("10001");
    expect(await grid.getAttribute("data-pointer")).toBe("/dataFiles");
    expect(Number(await grid.getAttribute("aria-colcount"))).toBeGreaterThan(30);
    expect(await renderedRows()).toBeLessThan(40);
    const invalid = page.locator('[data-pointer="/dataFiles/2/sampleName"]');
    expect(await invalid.getAttribute("aria-invalid")).toBe("true");
    const described = await invalid.getAttribute("aria-describedby");
    expect(await page.locator(`[id="${described}"]`).textContent()).toContain("must match");
    expect(await page.getByRole("rowheader", { name: /^5/ }).getAttribute("aria-invalid")).toBe(
      "true",
    );
    // Columns too: only those in view (of 38) have cells.
    const cellsInRow = page.locator('[role="row"][aria-rowindex="2"] [role="gridcell"]');
    expect(await cellsInRow.count()).toBeGreaterThan(4);
    expect(await cellsInRow.count()).toBeLessThan(15);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, "array-grid-1366.png") });
  });

  it("moves, edits and scrolls with the keyboard alone", async () => {
    await page.keyboard.press("Tab"); // the grid's one tab stop: its first cell
    expect(await focused()).toBe("/dataFiles/0/fastqPath");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    expect(await focused()).toBe("/dataFiles/0/sampleName");
    await page.keyboard.type("S1-renamed");
    await page.keyboard.press("Enter");
    expect(await lastCall()).toEqual([
      { kind: "set", row: 0, column: "sampleName", value: "S1-renamed" },
    ]);
    expect(await focused()).toBe("/dataFiles/1/sampleName");
    // An integer column gets a number; text that is not one stays text for the validator.
    await page.keyboard.press("End");
    await page.keyboard.press("Home");
    for (let step = 0; step < 6; step++) await page.keyboard.press("ArrowRight");
    expect(await focused()).toBe("/dataFiles/1/rgpl");
    await page.keyboard.press("F2");
    await page.keyboard.type("ILLUMINA");
    await page.keyboard.press("Tab");
    expect(await lastCall()).toEqual([{ kind: "set", row: 1, column: "rgpl", value: "ILLUMINA" }]);
    expect(await focused()).toBe("/dataFiles/1/assayCode");
    // Escape drops what was typed; the grid's two changes so far stay its only ones.
    await page.keyboard.type("TPFWG");
    await page.keyboard.press("Escape");
    expect(await focused()).toBe("/dataFiles/1/assayCode");
    expect(await page.evaluate(() => window.gridHarness.calls.length)).toBe(2);
    // F8 goes to the next problem the validator reported: row 3's sample name, then row 5.
    await page.keyboard.press("ControlOrMeta+Home");
    await page.keyboard.press("F8");
    expect(await focused()).toBe("/dataFiles/2/sampleName");
    await page.keyboard.press("F8");
    expect(await focused()).toBe("/dataFiles/4/fastqPath");
    await page.keyboard.press("ControlOrMeta+End");
    expect(await focused()).toBe("/dataFiles/9999/umiRead");
    expect(await page.getByRole("grid").evaluate((grid) => grid.scrollTop)).toBeGreaterThan(
      300_000,
    );
    expect(await renderedRows()).toBeLessThan(40);
    await page.keyboard.press("ControlOrMeta+Home");
    await page.keyboard.press("PageDown");
    expect(
      Number(await page.evaluate(() => document.activeElement?.getAttribute("data-row"))),
    ).toBeGreaterThan(5);
    await page.keyboard.press("Escape");
    expect(await page.evaluate(() => window.gridHarness.calls.length)).toBe(2);
  });

  it("pastes TSV copied from a spreadsheet, appending rows up to maxItems, and copies", async () => {
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.press("Home");
    await page.keyboard.press("ArrowUp");
    expect(await focused()).toBe("/dataFiles/9998/fastqPath");
    const tsv =
      'data/a_R1.fq.gz\tR1\t"odd\tname"\r\n' +
      "data/a_R2.fq.gz\tR2\tA\r\n" +
      "data/b_R1.fq.gz\tR1\tB\r\n" +
      "data/c_R1.fq.gz\tR1\tC\r\n";
    await page.evaluate((text) => navigator.clipboard.writeText(text), tsv);
    await page.keyboard.press("ControlOrMeta+V");
    // Cells that already hold the pasted value (row 9998 is an R1, 9999 an R2) are left out.
    expect(await lastCall()).toEqual([
      { kind: "set", row: 9998, column: "fastqPath", value: "data/a_R1.fq.gz" },
      { kind: "set", row: 9998, column: "sampleName", value: "odd\tname" },
      { kind: "set", row: 9999, column: "fastqPath", value: "data/a_R2.fq.gz" },
      { kind: "set", row: 9999, column: "sampleName", value: "A" },
      {
        kind: "splice",
        start: 10000,
        deleteCount: 0,
        items: [{ fastqPath: "data/b_R1.fq.gz", fastqCode: "R1", sampleName: "B" }],
      },
    ]);
    await expect.poll(() => page.getByRole("grid").getAttribute("aria-rowcount")).toBe("10002");
    expect(await page.getByRole("status").textContent()).toContain(
      "1 pasted row left out: at most 10001 rows",
    );
    // The pasted block is selected: Ctrl+C gives it back as TSV (quoting the tab).
    await page.keyboard.press("ControlOrMeta+C");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(
      'data/a_R1.fq.gz\tR1\t"odd\tname"\r\ndata/a_R2.fq.gz\tR2\tA\r\ndata/b_R1.fq.gz\tR1\tB',
    );
    // A synthetic paste event (as a page receives from a drag or a script) goes the same way.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData("text/plain", "R2");
      document.activeElement!.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
      );
    });
    expect(await lastCall()).toEqual([
      { kind: "set", row: 10000, column: "sampleName", value: "R2" },
    ]);
  });

  it("is usable at 390 px: the grid scrolls sideways inside the page", async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.keyboard.press("ControlOrMeta+Home");
    const sizes = await page.getByRole("grid").evaluate((grid) => ({
      page: document.documentElement.scrollWidth,
      client: grid.clientWidth,
      scroll: grid.scrollWidth,
    }));
    expect(sizes.page).toBeLessThanOrEqual(390);
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    await page.keyboard.press("End");
    expect(await page.getByRole("grid").evaluate((grid) => grid.scrollLeft)).toBeGreaterThan(0);
    await page.keyboard.press("Home");
    await page.screenshot({ path: path.join(SCREENSHOTS, "array-grid-390.png") });
  });
});
