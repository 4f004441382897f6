import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openSession, screenshot, setEditorText, signIn } from "./support/browser";
import type { Session } from "./support/browser";
import { cli, curl } from "./support/cli";

// Issue 11: a document with every field of the old portal's tooling, plus some fastq-qc does
// not declare, sent with the old portal's curl command verbatim.
const exec = promisify(execFile);
const baseUrl = inject("baseUrl");
const runsDir = inject("runsDir");
const exampleDir = path.resolve("pipelines/fastq-qc");
const fixture = path.resolve("test/fixtures/old-portal/fastq-qc-full.json");
const password = "orla-password-123";
const undeclared = [
  "/dataFiles/0/rgks",
  "/dataFiles/1/rgks",
  "/dataFiles/2/rgks",
  "/dataFiles/3/rgks",
  "/dnaAlignmentStyle",
  "/patCode",
];

let browser: Browser;
let orla: Session;

beforeAll(async () => {
  await cli("user", "create", "orla", "--role", "submitter", "--password", password);
  browser = await launchBrowser();
  orla = await openSession(browser);
  await signIn(orla.page, "orla", password);
});

afterAll(async () => {
  await browser?.close();
});

async function waitForRun(id: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { body } = await curl(["--user", `orla:${password}`, `${baseUrl}/api/v1/runs/${id}`]);
    const run = JSON.parse(body) as Record<string, unknown>;
    if (["succeeded", "failed", "error", "cancelled"].includes(String(run.status))) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${String(run.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("a full old-portal document", () => {
  it("runs from the old curl command, lists its warnings, and the run page shows them", async () => {
    const { stdout } = await exec(
      "curl",
      [
        "--request",
        "POST",
        "--user",
        `orla:${password}`,
        "--header",
        "Content-type: application/json",
        "-d",
        `@${fixture}`,
        `${baseUrl}/api/v1/new-run/`,
      ],
      { cwd: exampleDir },
    );
    const submitted = JSON.parse(stdout) as {
      id: string;
      status: string;
      warnings: { path: string; line: number; column: number }[];
    };
    expect(submitted.status).toBe("queued");
    expect(submitted.warnings.map((w) => w.path)).toEqual(undeclared);

    const run = await waitForRun(submitted.id);
    expect(run).toMatchObject({ status: "succeeded", exitCode: 0 });
    const report = JSON.parse(
      readFileSync(path.join(runsDir, submitted.id, "attempt-1", "outputs", "qc.json"), "utf8"),
    ) as { totals: { reads: number; files: number; samples: number } };
    expect(report.totals).toMatchObject({ reads: 1400, files: 4, samples: 2 });

    const { page } = orla;
    await page.goto(`${baseUrl}/runs/${submitted.id}`);
    const box = page.getByRole("region", { name: "Warnings" });
    await expect.poll(() => box.textContent(), { timeout: 10_000 }).toContain("6 warnings");
    expect(await box.textContent()).toContain("/patCode");
    await screenshot(page, "30-run-warnings");
  }, 90_000);

  it("is valid in the editor, with warning markers and Submit enabled", async () => {
    const { page } = orla;
    await page.goto(`${baseUrl}/new?pipeline=fastq-qc`);
    // One more undeclared field on line 2, where the marker is in view.
    const text = readFileSync(fixture, "utf8").replace("{\n", '{\n  "varDB": false,\n');
    await setEditorText(page, text);
    await expect
      .poll(() => page.getByRole("status").last().textContent(), { timeout: 10_000 })
      .toContain("Valid for fastq-qc@1.0.0 (7 warnings: not declared)");
    await page.keyboard.press("ControlOrMeta+Home"); // the paste left the view at the end
    await expect
      .poll(() => page.locator(".monaco-editor .squiggly-warning").count())
      .toBeGreaterThan(0);
    expect(await page.locator(".monaco-editor .squiggly-error").count()).toBe(0);
    expect(await page.getByRole("button", { name: /Submit run/ }).isDisabled()).toBe(false);
    await screenshot(page, "31-new-run-warnings");
  });
});
