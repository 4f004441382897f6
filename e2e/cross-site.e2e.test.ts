// Issue 10, finding 4, in Chromium: a page on another origin that auto-submits a form to
// the API is refused even when the browser holds Basic credentials for the portal, and a
// browser that opens an API URL is sent to the sign-in page, never shown a Basic prompt.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "./support/browser";
import { cli, curl } from "./support/cli";

const baseUrl = inject("baseUrl");
const password = "cross-site-password-1";
let browser: Browser;
let evil: Server;
let evilUrl: string;

/**
 * The other site's page, as the issue reproduced it: a multipart form carrying a filled-in
 * workbook, submitted by script as soon as the page loads.
 */
function attackPage(target: string, workbook: Buffer): string {
  return `<!doctype html><form method="post" enctype="multipart/form-data" action="${target}">
<input type="file" name="file"></form>
<script>
const bytes = Uint8Array.from(atob("${workbook.toString("base64")}"), (c) => c.charCodeAt(0));
const files = new DataTransfer();
files.items.add(new File([bytes], "run.xlsx"));
document.forms[0].file.files = files.files;
document.forms[0].submit();
</script>`;
}

beforeAll(async () => {
  await cli("user", "create", "mallory-target", "--role", "submitter", "--password", password);
  const token = await cli("user", "token", "mallory-target", "--label", "template");
  const template = await fetch(`${baseUrl}/api/v1/pipelines/hello/template.xlsx?example=true`, {
    headers: { Authorization: `Basic ${btoa(`mallory-target:${token}`)}` },
  });
  expect(template.status).toBe(200);
  const workbook = Buffer.from(await template.arrayBuffer());
  // The same upload from a script is a valid submission: only where it comes from differs.
  const upload = new FormData();
  upload.append("file", new Blob([workbook]), "run.xlsx");
  const dryRun = await fetch(`${baseUrl}/api/v1/runs?dryRun=true`, {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`mallory-target:${token}`)}` },
    body: upload,
  });
  expect(dryRun.status).toBe(200);
  browser = await launchBrowser();
  // localhost is another site than 127.0.0.1 (the stack's address).
  evil = createServer((_, response) => {
    const page = attackPage(`${baseUrl}/api/v1/runs`, workbook);
    response.writeHead(200, { "Content-Type": "text/html" }).end(page);
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => evil?.close(resolve));
});

async function runsOf(username: string): Promise<number> {
  const token = await cli("user", "token", username, "--label", `count-${Date.now()}`);
  const { body } = await curl(["--user", `${username}:${token}`, `${baseUrl}/api/v1/runs`]);
  return (JSON.parse(body) as { total: number }).total;
}

describe("a browser holding Basic credentials for the portal", () => {
  it("cannot be made to submit a run by another site's form", async () => {
    const before = await runsOf("mallory-target");
    // As after one Basic prompt: the browser adds the credentials to every request to the
    // portal (added here on the way out; Chromium still sets Origin and Sec-Fetch-*).
    const context = await browser.newContext();
    const authorization = `Basic ${btoa(`mallory-target:${password}`)}`;
    let sent: Record<string, string> = {};
    await context.route(`${baseUrl}/api/**`, async (route) => {
      sent = await route.request().allHeaders();
      await route.continue({ headers: { ...route.request().headers(), authorization } });
    });
    const page = await context.newPage();
    const answer = page.waitForResponse((r) => r.url() === `${baseUrl}/api/v1/runs`);
    await page.goto(evilUrl);
    const response = await answer;
    expect(sent.origin).toBe(evilUrl); // Sec-Fetch-* are added below what Playwright reports
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain("Cross-site request refused");
    expect(await runsOf("mallory-target")).toBe(before);

    await context.close();
  });

  it("is sent to sign in when it opens an API URL without credentials, not shown a Basic prompt", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${baseUrl}/api/v1/runs?limit=5`);
    expect(page.url()).toBe(
      `${baseUrl}/signin?callbackUrl=${encodeURIComponent("/api/v1/runs?limit=5")}`,
    );
    expect(response?.status()).toBe(200);
    await context.close();
    // A script is still challenged.
    const { status } = await curl(["--include", `${baseUrl}/api/v1/runs`]);
    expect(status).toBe(401);
  });
});
