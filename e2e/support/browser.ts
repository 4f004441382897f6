import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "@/test/chromium";
import { inject } from "vitest";

export const SCREENSHOTS = path.resolve("test-results/screenshots");

export { launchBrowser };

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Every request that tried to leave the machine (the portal must work offline). */
  external: string[];
  /** What the page's Content-Security-Policy refused (the portal must need nothing it forbids). */
  refused: string[];
}

/** A fresh browser context whose requests to anything but the stack are blocked and recorded. */
export async function openSession(browser: Browser): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], {
    origin: inject("baseUrl"),
  });
  const external: string[] = [];
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (/^(https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/|data:|blob:)/.test(url))
      return route.continue();
    external.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  return { context, page, external, refused };
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${inject("baseUrl")}/signin`);
  await page.fill("#username", username);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/runs/);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Replaces the editor's text by pasting it, as a person would (Ctrl+A, Ctrl+V). */
export async function setEditorText(page: Page, text: string): Promise<void> {
  await page
    .locator('[data-testid="json-editor"][data-state="ready"]')
    .waitFor({ timeout: 30_000 });
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+V");
}
