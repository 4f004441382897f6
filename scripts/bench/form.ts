import type { Page } from "playwright-core";
import { launchBrowser } from "@/test/chromium";
import { withBenchStack } from "./bench-stack";
import { bigConfig } from "./editor";
import { fmt, median } from "./stats";

const TRIES = 5;

export interface FormFigures {
  documentBytes: number;
  dataFiles: number;
  /** Form tab chosen → the grid shows its rows (10,000-row config), each try. */
  renderMs: number[];
  /** Keystroke in a text field of the form → the editor's text changed, each try. */
  fieldEditMs: number[];
  /** Enter committing a grid cell → the editor's text changed, each try. */
  cellEditMs: number[];
}

/** ms from `start` (page time) until the newest `mark` after it. */
async function untilMark(page: Page, start: number, mark: string): Promise<number> {
  const handle = await page.waitForFunction(
    `(() => {
      const m = performance.getEntriesByName(${JSON.stringify(mark)}).filter((e) => e.startTime > ${start});
      return m.length > 0 ? m[m.length - 1].startTime - ${start} : null;
    })()`,
    undefined,
    { timeout: 30_000, polling: 10 },
  );
  return (await handle.jsonValue()) as number;
}

/** Chooses a tab with the keyboard; resolves with the page time of the keydown. */
async function chooseTab(page: Page, from: "Form" | "JSON", key: "ArrowLeft" | "ArrowRight") {
  await page.getByRole("tab", { name: from }).focus();
  const at = await page.evaluate(() => performance.now());
  await page.keyboard.press(key);
  return at;
}

/**
 * The Form tab on a 5 MB fastq-qc config of 10,000 dataFiles (the one part (d) types in):
 * the time from choosing the tab until the grid shows its rows, and from an edit in the
 * form (a text field, a grid cell) until the editor's text has it.
 */
export async function measureForm(outDir: string): Promise<FormFigures> {
  return withBenchStack(
    { outDir, username: "form", processes: ["web"] },
    async ({ stack, password }) => {
      const browser = await launchBrowser();
      try {
        const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
        await context.addInitScript(() =>
          window.localStorage.setItem("runport:new-run:tab", "json"),
        );
        await context.grantPermissions(["clipboard-read", "clipboard-write"], {
          origin: stack.baseUrl,
        });
        const page = await context.newPage();
        await page.goto(`${stack.baseUrl}/signin`);
        await page.fill("#username", "form");
        await page.fill("#password", password);
        await page.click("button[type=submit]");
        await page.waitForURL(/\/runs/);
        await page.goto(`${stack.baseUrl}/new?pipeline=fastq-qc`);
        await page
          .locator('[data-testid="json-editor"][data-state="ready"]')
          .waitFor({ timeout: 60_000 });
        const text = bigConfig(10_000, 5 * 1024 * 1024);
        await page.evaluate((value) => navigator.clipboard.writeText(value), text);
        await page.locator(".monaco-editor .view-lines").first().click();
        await page.keyboard.press("ControlOrMeta+A");
        await page.keyboard.press("ControlOrMeta+V");
        await page.getByText("Valid for fastq-qc@1.0.0").waitFor({ timeout: 60_000 });

        const figures: FormFigures = {
          documentBytes: Buffer.byteLength(text),
          dataFiles: 10_000,
          renderMs: [],
          fieldEditMs: [],
          cellEditMs: [],
        };
        const grid = page.locator('[role="grid"][aria-rowcount="10001"] [role="gridcell"]').first();
        for (let i = 0; i < TRIES; i++) {
          const at = await chooseTab(page, "JSON", "ArrowLeft");
          await grid.waitFor({ timeout: 30_000 });
          figures.renderMs.push((await page.evaluate(() => performance.now())) - at);
          // A keystroke in the Project field.
          await page.locator("#form_project").focus();
          await page.keyboard.press("End");
          const typed = await page.evaluate(() => performance.now());
          await page.keyboard.press(i % 2 === 0 ? "x" : "Backspace");
          figures.fieldEditMs.push(await untilMark(page, typed, "runport:form-applied"));
          // A grid cell typed over and committed with Enter.
          const cell = page.locator('[role="gridcell"][data-pointer="/dataFiles/0/rglb"]');
          await cell.focus();
          await page.keyboard.type(`lib${i}`);
          const entered = await page.evaluate(() => performance.now());
          await page.keyboard.press("Enter");
          figures.cellEditMs.push(await untilMark(page, entered, "runport:form-applied"));
          await page.waitForTimeout(300);
          await chooseTab(page, "Form", "ArrowRight");
          await page.waitForTimeout(300);
        }
        await context.close();
        return figures;
      } finally {
        await browser.close();
      }
    },
  );
}

const stat = (samples: number[]) =>
  `${fmt(median(samples), 0)} / ${fmt(Math.max(...samples), 0)} ms`;

export function formRows(f: FormFigures): string[][] {
  const size = `${fmt(f.documentBytes / 1048576)} MB, ${f.dataFiles.toLocaleString("en")} rows`;
  return [
    [`(form) Form tab → grid rows shown, ${size}, p50 / max`, stat(f.renderMs), ""],
    ["(form) keystroke in a form field → editor text, p50 / max", stat(f.fieldEditMs), ""],
    ["(form) grid cell committed → editor text, p50 / max", stat(f.cellEditMs), ""],
  ];
}

export function formDetail(f: FormFigures): string {
  const list = (samples: number[]) => samples.map((n) => fmt(n, 0)).join(", ");
  return `(form) samples, ms: render ${list(f.renderMs)}; field ${list(f.fieldEditMs)}; cell ${list(f.cellEditMs)}`;
}
