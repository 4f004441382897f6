// The Runs page learns of runs from the change feed (GET /api/v1/changes), not by polling:
// a run submitted with curl appears without a reload, and an idle page reads nothing.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openSession, signIn, type Session } from "./support/browser";
import { cli, curl } from "./support/cli";

const baseUrl = inject("baseUrl");
const PASSWORD = "feed-password-1";
/** How long an idle page is watched for list reads. */
const IDLE_MS = 8000;

let browser: Browser;
let sam: Session;

beforeAll(async () => {
  // A submitter hears of their own runs only: other e2e files' runs do not wake this page.
  await cli("user", "create", "feed-sam", "--role", "submitter", "--password", PASSWORD);
  browser = await launchBrowser();
  sam = await openSession(browser);
  await signIn(sam.page, "feed-sam", PASSWORD);
});

afterAll(async () => {
  await browser?.close();
});

describe("the Runs page on the change feed", () => {
  it("shows a run submitted by API without a reload, and makes no list request while idle", async () => {
    const { page } = sam;
    const listReads: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/v1/runs") listReads.push(request.url());
    });
    const feedOpened = page.waitForResponse(
      (response) => new URL(response.url()).pathname === "/api/v1/changes",
    );
    await page.goto(`${baseUrl}/runs`);
    expect((await feedOpened).status()).toBe(200);

    const name = `feed-run-${Date.now()}`;
    const submitted = await curl([
      "--user",
      `feed-sam:${PASSWORD}`,
      "-H",
      "Content-Type: application/json",
      "-d",
      JSON.stringify({ pipeline: "hello", name, hold: true, config: { name: "feed" } }),
      `${baseUrl}/api/v1/runs`,
    ]);
    expect(submitted.status).toBe(201);
    await expect
      .poll(() => page.locator("main").textContent(), { timeout: 10_000 })
      .toContain(name);
    expect(listReads.length).toBeGreaterThanOrEqual(1); // read because of the change

    listReads.length = 0;
    await page.waitForTimeout(IDLE_MS);
    expect(listReads).toEqual([]);
  });
});
