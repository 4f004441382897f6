import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openSession, screenshot, signIn, type Session } from "./support/browser";
import { cli, curl } from "./support/cli";

const baseUrl = inject("baseUrl");
const PASSWORD = "audra-password-1";
let browser: Browser;
let audra: Session;
let sam: Session;

beforeAll(async () => {
  await cli("user", "create", "audra", "--role", "admin", "--password", PASSWORD);
  await cli("user", "create", "sam-audit", "--role", "submitter", "--password", PASSWORD);
  browser = await launchBrowser();
  [audra, sam] = await Promise.all([openSession(browser), openSession(browser)]);
  await signIn(audra.page, "audra", PASSWORD);
  await signIn(sam.page, "sam-audit", PASSWORD);
});

afterAll(async () => {
  await browser?.close();
});

const as = (user: string, args: string[]) => curl(["--user", `${user}:${PASSWORD}`, ...args]);

describe("the audit page", () => {
  it("shows an administrator who did what, and filters by action", async () => {
    for (const paused of [true, false]) {
      const switched = await as("audra", [
        "-H",
        "Content-Type: application/json",
        "-d",
        JSON.stringify({ paused }),
        `${baseUrl}/api/v1/operations/intake`,
      ]);
      expect(switched.status).toBe(200);
    }
    const { page } = audra;
    await page.getByRole("link", { name: "Audit", exact: true }).click();
    await page.waitForURL(/\/audit$/);
    const table = page.locator("table", { hasText: "Outcome" });
    await expect.poll(() => table.textContent()).toContain("intake.resume");
    expect(await table.textContent()).toContain("user.create");
    // Other files share this stack (the operations test pauses the intake too): audra's only.
    await page.getByLabel("Actor").fill("audra");
    await page.getByLabel("Action").selectOption("intake.pause");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/action=intake.pause/);
    await expect.poll(() => table.locator("tbody tr").count()).toBe(1);
    expect(await table.textContent()).toContain("audra");
    expect(await table.textContent()).not.toContain("intake.resume");
    await screenshot(page, "40-audit");
    expect(audra.external).toEqual([]);
    expect(audra.refused).toEqual([]);
  });

  it("is for administrators only: no link, no events, 403 from the API", async () => {
    const { page } = sam;
    expect(await page.getByRole("link", { name: "Audit", exact: true }).count()).toBe(0);
    await page.goto(`${baseUrl}/audit`);
    await expect.poll(() => page.locator("main").textContent()).toContain("for administrators");
    expect(await page.locator("table").count()).toBe(0);
    expect((await as("sam-audit", [`${baseUrl}/api/v1/audit`])).status).toBe(403);
  });
});
