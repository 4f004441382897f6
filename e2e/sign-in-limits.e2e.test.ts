import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openSession, screenshot } from "./support/browser";
import { cli, curl } from "./support/cli";

const baseUrl = inject("baseUrl");
const password = "limits-password-1";
let browser: Browser;

beforeAll(async () => {
  await cli("user", "create", "lena", "--role", "submitter", "--password", password);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Submits the sign-in form and returns the sentence it shows (or "signed in"). */
async function trySignIn(page: Page, secret: string): Promise<string> {
  await page.goto(`${baseUrl}/signin`);
  await page.fill("#username", "lena");
  await page.fill("#password", secret);
  await page.click("button[type=submit]");
  const outcome = await Promise.race([
    page.waitForURL(/\/runs/).then(() => "signed in"),
    page
      .locator("#signin-error")
      .waitFor()
      .then(() => "error"),
  ]);
  return outcome === "error" ? await page.locator("#signin-error").innerText() : outcome;
}

describe("password guessing limits through next start (issue 10, finding 3)", () => {
  it("refuse the attacker's address with a sentence and 429, never the user elsewhere", async () => {
    // next start writes the socket's address (127.0.0.1) into X-Forwarded-For: the attacker.
    const attacker = await openSession(browser);
    for (let i = 0; i < 5; i++) {
      expect(await trySignIn(attacker.page, `wrong-${i}`)).toBe("Wrong username or password.");
    }
    expect(await trySignIn(attacker.page, password)).toMatch(
      /^Too many sign-in attempts: try again in (1 minute|[3-5]\d seconds)\.$/,
    );
    await screenshot(attacker.page, "sign-in-too-many-attempts");
    await attacker.context.close();

    // Basic from the same address: 429 with Retry-After, the password not even checked.
    const refused = await curl([
      "--user",
      `lena:${password}`,
      "--dump-header",
      "-",
      `${baseUrl}/api/v1/runs`,
    ]);
    expect(refused.status).toBe(429);
    const retryAfter = Number(/^retry-after: (\d+)\r?$/im.exec(refused.body)?.[1]);
    expect(retryAfter).toBeGreaterThan(30);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body).toMatch(/"code":"RATE_LIMITED"/);

    // The user at another address (as its client states it: no proxy is trusted here).
    const elsewhere = await openSession(browser);
    await elsewhere.context.setExtraHTTPHeaders({ "X-Forwarded-For": "203.0.113.9" });
    expect(await trySignIn(elsewhere.page, password)).toBe("signed in");
    await elsewhere.context.close();
  });
});
