import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openSession, screenshot, signIn, type Session } from "./support/browser";
import { cli, curl } from "./support/cli";

const baseUrl = inject("baseUrl");
const PASSWORD = "uma-password-1";
const VICTOR_PASSWORD = "victor-password-1";
let browser: Browser;
let uma: Session;
let victor: Session;
let victorToken: string;

beforeAll(async () => {
  await cli("user", "create", "uma", "--role", "admin", "--password", PASSWORD);
  await cli("user", "create", "victor", "--password", VICTOR_PASSWORD);
  victorToken = await cli("user", "token", "victor");
  browser = await launchBrowser();
  [uma, victor] = await Promise.all([openSession(browser), openSession(browser)]);
  await signIn(uma.page, "uma", PASSWORD);
  await signIn(victor.page, "victor", VICTOR_PASSWORD);
});

afterAll(async () => {
  await browser?.close();
});

/**
 * What victor gets from the API: with the token, and with the browser session's cookie (sent
 * by curl: a refused fetch in the page would wait on Chromium's Basic prompt).
 */
async function victorStatuses(): Promise<number[]> {
  const token = await curl(["--user", `victor:${victorToken}`, `${baseUrl}/api/v1/runs`]);
  const cookies = await victor.context.cookies(baseUrl);
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const session = await curl(["-H", `Cookie: ${cookie}`, `${baseUrl}/api/v1/runs`]);
  return [token.status, session.status];
}

describe("the users page (admins)", () => {
  it("disables a user: their token and session are refused at once; enabling gives them back", async () => {
    expect(await victorStatuses()).toEqual([200, 200]);
    const { page } = uma;
    await page.goto(`${baseUrl}/users`);
    await page.getByRole("button", { name: "Disable victor" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain("“victor” is disabled");
    expect(await victorStatuses()).toEqual([401, 401]);
    await screenshot(page, "40-users-disabled");

    await page.getByRole("button", { name: "Enable victor" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain("“victor” is enabled");
    expect(await victorStatuses()).toEqual([200, 200]);
  });

  it("creates a user with a generated password, refuses to delete one with history, deletes a new one", async () => {
    const { page } = uma;
    await page.goto(`${baseUrl}/users`);
    await page.getByLabel("Username").fill("typo-user");
    await page.getByRole("button", { name: "Create user" }).click();
    const password = page.getByLabel("Generated password");
    await password.waitFor();
    expect(await password.inputValue()).toMatch(/^[\w-]{20}$/);

    await page.getByRole("button", { name: "Delete victor" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await expect
      .poll(() => page.getByRole("dialog").textContent())
      .toContain("Disable the user instead");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: "Delete typo-user" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain("“typo-user” is deleted");
    await expect.poll(() => page.locator("main table").textContent()).not.toContain("typo-user");
  });

  it("is not for other roles: no link, a notice on the page, 403 from the API", async () => {
    const { page } = victor;
    await page.goto(`${baseUrl}/users`);
    expect(await page.getByRole("navigation").getByRole("link", { name: "Users" }).count()).toBe(0);
    expect(await page.locator("main").textContent()).toContain("This page is for administrators");
    const status = await page.evaluate(
      async () => (await fetch("/api/v1/users", { cache: "no-store" })).status,
    );
    expect(status).toBe(403);
  });
});
