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

/**
 * A fresh browser context whose requests to anything but the stack are blocked and recorded.
 * `configTab`: the New run page's tab to start on, as if chosen before (the tests of the
 * JSON editor start on its tab; a new user's default is the Form): null leaves the default.
 */
export async function openSession(
  browser: Browser,
  { configTab = "json" }: { configTab?: "form" | "json" | null } = {},
): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  if (configTab)
    await context.addInitScript(
      ([key, tab]) => {
        if (!window.localStorage.getItem(key)) window.localStorage.setItem(key, tab);
      },
      ["runport:new-run:tab", configTab] as const,
    );
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

/**
 * Replaces the editor's text by pasting it, as a person would (Ctrl+A, Ctrl+V), and waits until
 * the editor shows it. Text the page puts in by itself (a saved draft, an example) can land just
 * after the editor is ready, over the paste; the paste is then made again, as a person would.
 */
export async function setEditorText(page: Page, text: string): Promise<void> {
  await page
    .locator('[data-testid="json-editor"][data-state="ready"]')
    .waitFor({ timeout: 30_000 });
  const squeeze = (value: string) => value.replace(/[\s\u00a0]+/g, "");
  const wanted = squeeze(text);
  const ours = (shown: string) =>
    wanted === "" ? shown === "" : shown !== "" && wanted.includes(shown);
  const lines = page.locator(".monaco-editor .view-lines").first();
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  for (let attempt = 1; ; attempt++) {
    await lines.click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("ControlOrMeta+V");
    // The editor renders only the lines in view: they must be a part of the pasted text.
    const shown = async () => squeeze((await lines.textContent()) ?? "");
    const deadline = Date.now() + 2_000;
    let now = await shown();
    while (!ours(now) && Date.now() < deadline) {
      await page.waitForTimeout(50);
      now = await shown();
    }
    if (ours(now)) {
      // Still ours a moment later: nothing was waiting to replace it.
      await page.waitForTimeout(150);
      now = await shown();
      if (ours(now)) return;
    }
    if (attempt === 3) throw new Error(`the editor does not show the pasted text: ${now}`);
  }
}
