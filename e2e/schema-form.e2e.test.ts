import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  launchBrowser,
  openSession,
  SCREENSHOTS,
  screenshot,
  signIn,
  type Session,
} from "./support/browser";
import { cli } from "./support/cli";

const baseUrl = inject("baseUrl");
const PASSWORD = "form-password-1";
const example = JSON.parse(
  readFileSync(path.resolve("pipelines/fastq-qc/example.json"), "utf8"),
) as Record<string, unknown> & { dataFiles: Record<string, unknown>[] };

let browser: Browser;
let fiona: Session;

beforeAll(async () => {
  await cli("user", "create", "fiona", "--role", "submitter", "--password", PASSWORD);
  browser = await launchBrowser();
  // A new user: no tab chosen before (the page's own default shows).
  fiona = await openSession(browser, { configTab: null });
  await signIn(fiona.page, "fiona", PASSWORD);
});

afterAll(async () => {
  await browser?.close();
});

/**
 * The editor's whole text, copied from the JSON tab (Monaco renders only what is in view).
 * A check of the test, not a step of the user's: it may click.
 */
async function editorText(page: Page): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText(""));
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+C");
  let text = "";
  await expect
    .poll(async () => (text = await page.evaluate(() => navigator.clipboard.readText())))
    .not.toBe("");
  return text;
}

/** Selects what an input holds and types over it, as a person would. */
async function typeOver(page: Page, text: string) {
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(text);
}

const status = (page: Page) => page.getByRole("status").last().textContent();

describe("the Form tab of the New run page", () => {
  it("lets a new user fill fastq-qc's form with the keyboard alone, and the run succeeds", async () => {
    const { page } = fiona;
    await page.goto(`${baseUrl}/new?pipeline=fastq-qc`);
    const formTab = page.getByRole("tab", { name: "Form" });
    await expect.poll(() => formTab.getAttribute("aria-selected")).toBe("true");
    // The example is loaded into the editor; the form shows it.
    const project = page.locator("#form_project");
    await expect.poll(() => project.inputValue(), { timeout: 30_000 }).toBe("demo-qc");

    // From the tabs, Tab walks the fields in the schema's order.
    await formTab.focus();
    await page.keyboard.press("Tab"); // Pipeline
    await page.keyboard.press("Tab"); // Project
    await typeOver(page, "form-e2e");
    await page.keyboard.press("Tab"); // Study
    await typeOver(page, "FORM-001");
    await page.keyboard.press("Tab"); // Contact e-mail: a mistake first
    await typeOver(page, "fiona.example.org");
    const email = page.locator("#form_email");
    await expect.poll(() => email.getAttribute("aria-invalid"), { timeout: 10_000 }).toBe("true");
    expect(await page.locator("#form_email-error").textContent()).toMatch(/email/);
    expect(await email.getAttribute("aria-describedby")).toContain("form_email-error");
    expect(await status(page)).toMatch(/1 problem/);
    await screenshot(page, "schema-form-error-1366");
    await typeOver(page, "fiona@example.org");
    await expect.poll(() => email.getAttribute("aria-invalid")).toBeNull();
    await page.keyboard.press("Tab"); // Description
    await typeOver(page, "Filled in the form");
    await page.keyboard.press("Tab"); // Minimum base quality
    await typeOver(page, "25");

    // HPC account: the searchable select, searched on the server, picked with the arrows.
    await page.locator("#form_hpcAccount").focus();
    const searched = page.waitForResponse(
      (r) =>
        r.url().includes("/api/v1/lists/hpc-accounts/values") &&
        new URL(r.url()).searchParams.get("q") === "lab-0000",
    );
    await typeOver(page, "lab-0000");
    await searched;
    const options = page.getByRole("listbox", { name: /hpc-accounts/ }).getByRole("option");
    await expect.poll(() => options.count(), { timeout: 10_000 }).toBeGreaterThan(1);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const chosen = (await options.nth(1).locator("span").first().textContent()) ?? "";
    expect(chosen).toMatch(/^lab-0000\d$/);
    await page.keyboard.press("Enter");
    const account = page.locator("#form_hpcAccount");
    expect(await account.inputValue()).toBe(chosen);
    expect(await account.getAttribute("aria-expanded")).toBe("false");
    await page.keyboard.press("Tab"); // Archive folder
    await page.keyboard.press("Tab"); // CRAM output: a switch, turned on with Space
    await page.keyboard.press("Space");
    expect(await page.locator("#form_cram").getAttribute("aria-checked")).toBe("true");

    // Data files: rows pasted from a spreadsheet (TSV) into the grid, from its first cell.
    const grid = page.getByRole("grid", { name: "Data files" });
    await grid.locator('[role="gridcell"][data-pointer="/dataFiles/0/fastqPath"]').focus();
    const pasted = [
      ["data/sample1_R1.fastq.gz", "R1", "alpha", "alpha", "libA", "FC9.1"],
      ["data/sample1_R2.fastq.gz", "R2", "alpha", "alpha", "libA", "FC9.1"],
      ["data/sample2_R1.fastq", "R1", "beta", "beta", "libB", "FC9.2"],
      ["data/sample2_R2.fastq", "R2", "beta", "beta", "libB", "FC9.2"],
    ];
    const tsv = `${pasted.map((row) => row.join("\t")).join("\r\n")}\r\n`;
    await page.evaluate((text) => navigator.clipboard.writeText(text), tsv);
    await page.keyboard.press("ControlOrMeta+V");
    await expect
      .poll(() => grid.locator('[data-pointer="/dataFiles/3/sampleName"]').textContent())
      .toBe("beta");
    await expect.poll(() => status(page), { timeout: 15_000 }).toContain("Valid for fastq-qc");
    await screenshot(page, "schema-form-1366");

    // The JSON tab holds the same text (arrow keys move between the tabs); back on Form.
    await formTab.focus();
    await page.keyboard.press("ArrowRight");
    expect(await page.getByRole("tab", { name: "JSON" }).getAttribute("aria-selected")).toBe(
      "true",
    );
    const text = await editorText(page);
    const config = JSON.parse(text) as typeof example;
    await page.getByRole("tab", { name: "JSON" }).focus();
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => project.inputValue()).toBe("form-e2e");
    await page.getByRole("tab", { name: "Form" }).focus();
    await page.keyboard.press("ArrowRight");
    expect(await editorText(page)).toBe(text); // switching changed nothing
    await page.getByRole("tab", { name: "JSON" }).focus();
    await page.keyboard.press("ArrowLeft");

    const expected = {
      ...example,
      project: "form-e2e",
      study: "FORM-001",
      email: "fiona@example.org",
      description: "Filled in the form",
      minQuality: 25,
      hpcAccount: chosen,
      cram: true,
      dataFiles: example.dataFiles.map((row, i) => ({
        ...row,
        fastqPath: pasted[i]![0],
        fastqCode: pasted[i]![1],
        sampleName: pasted[i]![2],
        rgsm: pasted[i]![3],
        rglb: pasted[i]![4],
        rgpu: pasted[i]![5],
      })),
    };
    expect(config).toEqual(expected);

    // Submitted with Ctrl+Enter; the run has exactly these values, and succeeds.
    await page.locator("#form_study").focus();
    await page.keyboard.press("ControlOrMeta+Enter");
    await page.waitForURL(/\/runs\/[0-9a-z]{26}$/, { timeout: 15_000 });
    const id = page.url().split("/").pop()!;
    const run = await page.evaluate(async (runId) => {
      const response = await fetch(`/api/v1/runs/${runId}`);
      return (await response.json()) as { config: unknown; name: string };
    }, id);
    expect(run.config).toEqual(expected);
    expect(run.name).toBe("form-e2e");
    await expect
      .poll(() => page.locator("h1").textContent(), { timeout: 30_000 })
      .toContain("Succeeded");
  });

  it("opens a config from a link (?config=), on the form, at 390 px too", async () => {
    const { page } = fiona;
    const linked = {
      pipeline: "fastq-qc@1.0.0",
      project: "from-a-link",
      study: "LINK-1",
      email: "fiona@example.org",
      dataFiles: example.dataFiles.slice(0, 2),
    };
    await page.goto(`${baseUrl}/new?config=${encodeURIComponent(JSON.stringify(linked))}`);
    const formTab = page.getByRole("tab", { name: "Form" });
    await formTab.focus();
    await page.keyboard.press("Home"); // the Form tab, whichever was chosen before
    expect(await formTab.getAttribute("aria-selected")).toBe("true");
    await expect.poll(() => page.locator("#pipeline").inputValue()).toBe("fastq-qc");
    await expect
      .poll(() => page.locator("#form_project").inputValue(), { timeout: 30_000 })
      .toBe("from-a-link");
    expect(await page.getByText("Loaded the config from the link").count()).toBe(1);
    await expect.poll(() => status(page), { timeout: 15_000 }).toContain("Valid for fastq-qc");
    expect(await page.getByRole("grid", { name: "Data files" }).getAttribute("aria-rowcount")).toBe(
      "3",
    );
    await page.setViewportSize({ width: 390, height: 844 });
    // Nothing wider than the screen: the grid scrolls inside itself.
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(390);
    await screenshot(page, "schema-form-390");
    // The view a person has on a phone: the tabs and the first fields, then the grid.
    await formTab.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, "schema-form-390-top.png") });
    await page.getByRole("grid", { name: "Data files" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, "schema-form-390-grid.png") });
    await page.setViewportSize({ width: 1366, height: 900 });
  });
});
