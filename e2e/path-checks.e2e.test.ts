import { readFileSync } from "node:fs";
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
import { cli } from "./support/cli";

const baseUrl = inject("baseUrl");
const PASSWORD = "paths-password-1";
const example = readFileSync(path.resolve("pipelines/fastq-qc/example.json"), "utf8");

let browser: Browser;
let session: Session;

beforeAll(async () => {
  await cli("user", "create", "pia", "--role", "submitter", "--password", PASSWORD);
  browser = await launchBrowser();
  session = await openSession(browser);
  await signIn(session.page, "pia", PASSWORD);
});

afterAll(async () => {
  await browser?.close();
});

describe("the editor's server check of paths", () => {
  it("marks a FASTQ that is not there, at its line, once typing pauses; clears it when fixed", async () => {
    const { page } = session;
    await page.goto(`${baseUrl}/new?pipeline=fastq-qc`);
    const missing = example.replace("data/sample2_R2.fastq", "data/sample9_R2.fastq");
    await setEditorText(page, missing);
    const line = missing.split("\n").findIndex((l) => l.includes("sample9_R2")) + 1;
    const problem = page.locator("#problems li").first();
    await expect
      .poll(() => problem.textContent(), { timeout: 15_000 })
      .toContain("/dataFiles/3/fastqPath");
    expect(await problem.textContent()).toContain(`Line ${line}, column 20`);
    expect(await problem.textContent()).toContain("does not exist");
    // Squiggles are drawn for lines in view: the problem's link brings its line there.
    await problem.click();
    await expect
      .poll(() => page.locator(".monaco-editor .squiggly-error").count())
      .toBeGreaterThan(0);
    expect(await page.locator(`p[role="status"][aria-live="polite"]`).textContent()).toContain(
      "1 file cannot be used",
    );
    await screenshot(page, "paths-01-missing-fastq");

    await setEditorText(page, example);
    await expect.poll(() => page.locator("#problems li").count(), { timeout: 15_000 }).toBe(0);
  });

  it("completes hpcAccount from its reference list with labels, and marks an unknown account", async () => {
    // On the example the test above left in the editor. hpc-accounts is the shipped demo
    // CSV (no Slurm here), refreshed by the beat at start.
    const { page } = session;
    const line = example.split("\n").findIndex((l) => l.includes('"hpcAccount": "lab-00001"'));
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("ControlOrMeta+Home");
    for (let i = 0; i < line; i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("End");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("Backspace"); // "lab-0000": not in the list
    const problem = page.locator("#problems li").first();
    await expect.poll(() => problem.textContent(), { timeout: 15_000 }).toContain("/hpcAccount");
    expect(await problem.textContent()).toContain(
      'is not a known value of the list hpc-accounts; did you mean "lab-00001"',
    );
    await page.keyboard.type("2");
    const suggestions = page.locator(".monaco-editor .suggest-widget");
    await expect.poll(() => suggestions.textContent(), { timeout: 10_000 }).toContain("lab-00002");
    expect(await suggestions.textContent()).toContain("Genomics core");
    await screenshot(page, "paths-02-list-completion");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#problems li").count(), { timeout: 15_000 }).toBe(0);
  });
});
