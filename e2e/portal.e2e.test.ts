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
import { cli, curl } from "./support/cli";

const baseUrl = inject("baseUrl");
const PASSWORD = "portal-password-1";
const VIEWER_PASSWORD = "viewer-password-1";
const example = readFileSync(path.resolve("pipelines/fastq-qc/example.json"), "utf8");

let browser: Browser;
let pat: Session;

beforeAll(async () => {
  await cli("user", "create", "pat", "--role", "submitter", "--password", PASSWORD);
  await cli("user", "create", "vic", "--role", "viewer", "--password", VIEWER_PASSWORD);
  browser = await launchBrowser();
  pat = await openSession(browser);
  await screenshotSignIn(pat);
  await signIn(pat.page, "pat", PASSWORD);
});

afterAll(async () => {
  await browser?.close();
});

async function screenshotSignIn(session: Session) {
  await session.page.goto(`${baseUrl}/signin`);
  await screenshot(session.page, "01-signin");
}

describe("the portal in Chromium", () => {
  it("shows invalid JSON as a marker and a problem, and refuses to submit", async () => {
    const { page } = pat;
    await page.goto(`${baseUrl}/new?pipeline=fastq-qc`);
    await setEditorText(page, '{\n  "pipeline": "fastq-qc@1.0.0",\n  "project": "demo",,\n}');
    const problem = page.locator("#problems li").first();
    await expect
      .poll(() => problem.textContent(), { timeout: 10_000 })
      .toContain("Line 3, column 21");
    expect(await problem.textContent()).toContain("Expected a property name in double quotes");
    await expect
      .poll(() => page.locator(".monaco-editor .squiggly-error").count())
      .toBeGreaterThan(0);
    expect(await page.getByRole("button", { name: /Submit run/ }).isDisabled()).toBe(true);
    await screenshot(page, "03-new-run-syntax-error");
  });

  it("marks a schema error on the right field", async () => {
    const { page } = pat;
    const bad = example.replace('"fastqCode": "R1"', '"fastqCode": "R3"');
    await setEditorText(page, bad);
    const lines = bad.split("\n");
    const line = lines.findIndex((l) => l.includes('"R3"')) + 1;
    const column = (lines[line - 1]?.indexOf('"R3"') ?? 0) + 1;
    const problem = page.locator("#problems li").first();
    await expect
      .poll(() => problem.textContent(), { timeout: 10_000 })
      .toContain("/dataFiles/0/fastqCode");
    expect(await problem.textContent()).toContain(`Line ${line}, column ${column}`);
    expect(await problem.textContent()).toContain('must be one of "R1", "R2"');
    await problem.locator("button").click(); // jumps to the spot
    await screenshot(page, "04-new-run-schema-error");
  });

  it("selects the pipeline a pasted document names, submits, and streams the run to success", async () => {
    const { page } = pat;
    await page.goto(`${baseUrl}/new?pipeline=hello`);
    await setEditorText(page, example); // names fastq-qc@1.0.0
    await expect
      .poll(() => page.locator("#pipeline").inputValue(), { timeout: 10_000 })
      .toBe("fastq-qc");
    await expect
      .poll(() => page.getByRole("status").last().textContent())
      .toContain("Valid for fastq-qc@1.0.0");
    await screenshot(page, "02-new-run-valid");
    await page.keyboard.press("ControlOrMeta+Enter");
    await page.waitForURL(/\/runs\/[0-9a-z]{26}$/);
    await expect
      .poll(() => page.locator("h1").textContent(), { timeout: 30_000 })
      .toContain("Succeeded");
    await expect
      .poll(() => page.getByRole("log").textContent(), { timeout: 10_000 })
      .toContain("exited with code 0");
    expect(await page.getByRole("log").textContent()).toContain("sample1");
    await screenshot(page, "06-run-succeeded");
  });

  it("keeps the editor's text when the submission fails, and after a reload", async () => {
    const { page } = pat;
    await page.goto(`${baseUrl}/new?pipeline=hello`);
    await setEditorText(page, '{"name": "draft survives"}');
    await expect
      .poll(() => page.getByRole("status").last().textContent())
      .toContain("Valid for hello@1.0.0");
    const editorText = async () =>
      ((await page.locator(".monaco-editor .view-lines").textContent()) ?? "").replace(
        /\u00a0/g,
        " ",
      );
    // The network fails on the way to the server: the error shows, the text stays.
    await page.route("**/api/v1/runs", (route) => route.abort("connectionreset"));
    await page.getByRole("button", { name: /Submit run/ }).click();
    await expect
      .poll(() => page.getByRole("alert").first().textContent())
      .toContain("could not be reached");
    await page.unroute("**/api/v1/runs");
    expect(await editorText()).toContain("draft survives");
    await page.reload();
    await page.locator('[data-testid="json-editor"][data-state="ready"]').waitFor();
    await expect.poll(editorText).toContain("draft survives");
  });

  it("completes property names and shows their docs from the schema", async () => {
    const { page } = pat;
    await page.goto(`${baseUrl}/new?pipeline=hello`);
    // Valid as typed (no trailing comma), so the status below is this text's own check.
    await setEditorText(page, '{\n  "name": "x"\n  \n}');
    await expect
      .poll(() => page.getByRole("status").last().textContent())
      .toContain("Valid for hello@1.0.0");
    await page.keyboard.press("ArrowUp"); // the empty line 3
    await page.keyboard.press("End");
    await page.keyboard.press("Control+Space");
    const suggestions = page.locator(".monaco-editor .suggest-widget");
    await expect.poll(() => suggestions.textContent(), { timeout: 10_000 }).toContain("greeting");
    await page.keyboard.press("Escape");
    await page.locator(".monaco-editor .view-line span", { hasText: '"name"' }).first().hover();
    await expect
      .poll(() => page.locator(".monaco-hover").first().textContent(), { timeout: 10_000 })
      .toMatch(/greet/i);
  });

  it("cancels a long hello run from its page", async () => {
    const { page } = pat;
    await page.goto(`${baseUrl}/new?pipeline=hello`);
    await setEditorText(page, '{"name": "long", "sleepSeconds": 120, "steps": 120}');
    await expect
      .poll(() => page.getByRole("status").last().textContent())
      .toContain("Valid for hello@1.0.0");
    await page.getByRole("button", { name: /Submit run/ }).click();
    await page.waitForURL(/\/runs\/[0-9a-z]{26}$/);
    await expect
      .poll(() => page.locator("h1").textContent(), { timeout: 15_000 })
      .toContain("Running");
    await expect
      .poll(() => page.getByRole("log").textContent(), { timeout: 10_000 })
      .toContain("Hello, long!");
    await screenshot(page, "05-run-live");
    await page.getByRole("button", { name: "Cancel run" }).click();
    await page.getByRole("button", { name: "Yes, cancel it" }).click();
    await expect
      .poll(() => page.locator("h1").textContent(), { timeout: 15_000 })
      .toContain("Cancelled");
    await screenshot(page, "07-run-cancelled");
  });

  it("follows a 100,000-line log with only the visible lines in the page", async () => {
    const { page } = pat;
    await page.goto(`${baseUrl}/runs`);
    const id = await page.evaluate(async () => {
      const response = await fetch("/api/v1/runs", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          pipeline: "hello",
          name: "many lines",
          config: { name: "log", lines: 100_000, steps: 1 },
        }),
      });
      return ((await response.json()) as { id: string }).id;
    });
    await page.goto(`${baseUrl}/runs/${id}`);
    await expect
      .poll(() => page.locator("h1").textContent(), { timeout: 60_000 })
      .toContain("Succeeded");
    await expect.poll(() => page.getByText(/100,0\d\d lines/).count(), { timeout: 30_000 }).toBe(1);
    const rendered = await page.getByRole("log").locator("div > div > div").count();
    expect(rendered).toBeLessThan(200); // windowed: not 100,000 elements
    await expect.poll(() => page.getByRole("log").textContent()).toContain("exited with code 0");
    await screenshot(page, "08b-run-100k-lines");
  });

  it("checks against the new pipeline's schema after a switch, from the document or the menu", async () => {
    const { page } = pat;
    await page.goto(`${baseUrl}/new?pipeline=hello`);
    await setEditorText(page, example.replace('"fastqCode": "R1"', '"fastqCode": "R3"'));
    await expect
      .poll(() => page.locator("#pipeline").inputValue(), { timeout: 10_000 })
      .toBe("fastq-qc");
    await expect
      .poll(() => page.locator("#problems li").first().textContent(), { timeout: 10_000 })
      .toContain("/dataFiles/0/fastqCode");
    await setEditorText(page, '{"name": "only hello knows me"}');
    await page.selectOption("#pipeline", "hello");
    await expect
      .poll(() => page.getByRole("status").last().textContent())
      .toContain("Valid for hello@1.0.0");
    await page.selectOption("#pipeline", "fastq-qc");
    await expect
      .poll(() => page.locator("#problems").textContent(), { timeout: 10_000 })
      .toContain("/dataFiles");
    expect(await page.getByRole("button", { name: /Submit run/ }).isDisabled()).toBe(true);
  });

  it("lists the runs with filters kept in the URL", async () => {
    const { page } = pat;
    await page.goto(`${baseUrl}/runs`);
    // A run of its own: held, then cancelled.
    await page.evaluate(async () => {
      const response = await fetch("/api/v1/runs", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          pipeline: "hello",
          name: "filter-me",
          hold: true,
          config: { name: "x" },
        }),
      });
      const { id } = (await response.json()) as { id: string };
      await fetch(`/api/v1/runs/${id}/cancel`, { method: "POST" });
    });
    await page.fill("#f-q", "filter-me");
    await page.selectOption("#f-status", "cancelled");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=cancelled/);
    await expect.poll(() => page.locator("tbody tr").count()).toBe(1);
    await screenshot(page, "08-runs-filtered");
    await page.goto(`${baseUrl}/runs`);
    await screenshot(page, "09-runs");
  });

  it("creates an API token that works with curl", async () => {
    const { page } = pat;
    await page.goto(`${baseUrl}/account`);
    await page.getByLabel(/name/i).first().fill("e2e laptop");
    await page.getByRole("button", { name: /create/i }).click();
    const token = (await page.locator("text=/rp_[A-Za-z0-9_-]{43}/").first().textContent())?.match(
      /rp_[A-Za-z0-9_-]{43}/,
    )?.[0];
    expect(token).toBeTruthy();
    await screenshot(page, "10-account-token");
    const result = await curl(["--user", `pat:${token}`, `${baseUrl}/api/v1/runs?limit=1`]);
    expect(result.status).toBe(200);
  });

  it("shows the pipelines and the API reference", async () => {
    const { page } = pat;
    await page.goto(`${baseUrl}/pipelines`);
    await screenshot(page, "11-pipelines");
    await page.goto(`${baseUrl}/pipelines/fastq-qc`);
    expect(await page.locator("body").textContent()).toContain("dataFiles");
    await screenshot(page, "12-pipeline-fastq-qc");
    await page.goto(`${baseUrl}/apidocs`);
    await screenshot(page, "13-apidocs");
  });

  it("lets a viewer look but not submit", async () => {
    const vic = await openSession(browser);
    await signIn(vic.page, "vic", VIEWER_PASSWORD);
    await vic.page.goto(`${baseUrl}/new`);
    expect(await vic.page.locator("main").textContent()).toContain(
      "can look at runs and pipelines but not submit",
    );
    await screenshot(vic.page, "14-viewer-new-run");
    const status = await vic.page.evaluate(async () => {
      const response = await fetch("/api/v1/runs", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ pipeline: "hello", config: { name: "x" } }),
      });
      return response.status;
    });
    expect(status).toBe(403);
    expect(vic.external).toEqual([]);
    await vic.context.close();
  });

  it("never asked for anything off this machine, nor anything its security policy refuses", async () => {
    expect(pat.external).toEqual([]);
    expect(pat.refused).toEqual([]);
    const response = await fetch(`${baseUrl}/runs`);
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(response.headers.get("permissions-policy")).toContain("camera=()");
  });
});
