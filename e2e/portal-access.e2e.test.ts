import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openSession, screenshot, signIn, type Session } from "./support/browser";
import { cli, curl } from "./support/cli";

const baseUrl = inject("baseUrl");
const password = "access-password-1";
let browser: Browser;
let owner: Session;
let ownerRun: string;

beforeAll(async () => {
  for (const [name, role] of [
    ["olga", "submitter"],
    ["sam", "submitter"],
    ["val", "viewer"],
  ] as const) {
    await cli("user", "create", name, "--role", role, "--password", password);
  }
  browser = await launchBrowser();
  owner = await openSession(browser);
  await signIn(owner.page, "olga", password);
  ownerRun = await owner.page.evaluate(async () => {
    const response = await fetch("/api/v1/runs", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        pipeline: "hello",
        name: "olga's run",
        config: { name: "olga", sleepSeconds: 60, steps: 30 },
      }),
    });
    return ((await response.json()) as { id: string }).id;
  });
});

afterAll(async () => {
  // Stop the 60 s run (the browser session was signed out by the last test).
  const token = await cli("user", "token", "olga", "--label", "cleanup");
  await curl([
    "--user",
    `olga:${token}`,
    "-X",
    "POST",
    `${baseUrl}/api/v1/runs/${ownerRun}/cancel`,
  ]);
  await browser?.close();
});

describe("who sees and does what in the portal", () => {
  it("comes back to the page asked for after signing in, and never leaves the site", async () => {
    const session = await openSession(browser);
    await session.page.goto(`${baseUrl}/runs?status=running&q=olga`);
    await session.page.waitForURL(/\/signin\?callbackUrl=/);
    await session.page.fill("#username", "olga");
    await session.page.fill("#password", password);
    await session.page.click("button[type=submit]");
    await session.page.waitForURL(`${baseUrl}/runs?status=running&q=olga`);
    await session.context.close();

    const tricked = await openSession(browser);
    await tricked.page.goto(
      `${baseUrl}/signin?callbackUrl=${encodeURIComponent("/\t/evil.example")}`,
    );
    await tricked.page.fill("#username", "olga");
    await tricked.page.fill("#password", password);
    await tricked.page.click("button[type=submit]");
    await tricked.page.waitForURL(`${baseUrl}/runs`);
    expect(tricked.external).toEqual([]);
    await tricked.context.close();
  });

  it("shows somebody else's run to a viewer without its buttons, and refuses it to a submitter", async () => {
    const viewer = await openSession(browser);
    await signIn(viewer.page, "val", password);
    await viewer.page.goto(`${baseUrl}/runs/${ownerRun}`);
    await expect.poll(() => viewer.page.locator("h1").textContent()).toContain("olga's run");
    expect(await viewer.page.getByRole("button", { name: "Cancel run" }).count()).toBe(0);
    expect(await viewer.page.getByRole("link", { name: "Re-run" }).count()).toBe(0);
    await viewer.context.close();

    const other = await openSession(browser);
    await signIn(other.page, "sam", password);
    await other.page.goto(`${baseUrl}/runs/${ownerRun}`);
    expect(await other.page.locator("main [role=alert]").textContent()).toContain(
      "somebody else's run",
    );
    const status = await other.page.evaluate(
      async (id) => (await fetch(`/api/v1/runs/${id}/cancel`, { method: "POST" })).status,
      ownerRun,
    );
    expect(status).toBe(403);
    await other.context.close();
  });

  it("re-runs with the config filled in, and downloads the log", async () => {
    const { page } = owner;
    await page.goto(`${baseUrl}/runs/${ownerRun}`);
    await expect
      .poll(() => page.getByRole("log").textContent(), { timeout: 15_000 })
      .toContain("Hello, olga!");
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download the whole log" }).click();
    const file = await (await download).path();
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(file, "utf8")).toContain("Hello, olga!");
    // Retry: a new run of the same request, linked to the finished one.
    const quick = await page.evaluate(async () => {
      const response = await fetch("/api/v1/runs", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ pipeline: "hello", name: "quick", config: { name: "quick" } }),
      });
      return ((await response.json()) as { id: string }).id;
    });
    await page.goto(`${baseUrl}/runs/${quick}`);
    await expect
      .poll(() => page.locator("h1").textContent(), { timeout: 15_000 })
      .toContain("Succeeded");
    await page.getByRole("button", { name: "Retry" }).click();
    await page.waitForURL(
      (url) => /\/runs\/[0-9a-z]{26}$/.test(url.pathname) && !url.pathname.endsWith(quick),
    );
    await expect
      .poll(() => page.locator("main").textContent(), { timeout: 15_000 })
      .toContain(`re-run of ${quick}`);
    await screenshot(page, "15-run-retried");
    await page.goto(`${baseUrl}/runs/${ownerRun}`);
    await page.getByRole("link", { name: "Re-run" }).click();
    await page.waitForURL(/\/new\?rerun=/);
    await page.locator('[data-testid="json-editor"][data-state="ready"]').waitFor();
    await expect
      .poll(() => page.locator(".monaco-editor .view-lines").textContent())
      .toContain("olga");
    expect(await page.locator("#run-name").inputValue()).toBe("olga's run");
  });

  it("revokes a token so that curl is refused, and signs out", async () => {
    const token = await cli("user", "token", "olga", "--label", "to revoke");
    expect((await curl(["--user", `olga:${token}`, `${baseUrl}/api/v1/runs?limit=1`])).status).toBe(
      200,
    );
    const { page } = owner;
    await page.goto(`${baseUrl}/account`);
    const row = page.locator("tr", { hasText: "to revoke" });
    await row.getByRole("button", { name: /Revoke/ }).click();
    await page
      .getByRole("dialog")
      .getByRole("button", { name: /Revoke/ })
      .click();
    await expect.poll(() => row.textContent()).toMatch(/revoked/i);
    // Another web process would honour it within AUTH_CACHE_SECONDS; this one at once.
    expect((await curl(["--user", `olga:${token}`, `${baseUrl}/api/v1/runs?limit=1`])).status).toBe(
      401,
    );
    // A copy of the session cookie, taken before signing out, is refused after it, also once
    // next-auth's session endpoint has re-issued it (issue 10, finding 1).
    const cookies = await page.context().cookies(baseUrl);
    const copy = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const withCopy = (path: string) => curl(["--cookie", copy, `${baseUrl}${path}`]);
    expect((await withCopy("/api/v1/runs?limit=1")).status).toBe(200);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin/);
    await page.goto(`${baseUrl}/runs`);
    await page.waitForURL(/\/signin/);
    await withCopy("/api/auth/session");
    expect((await withCopy("/api/v1/runs?limit=1")).status).toBe(401);
  });
});
