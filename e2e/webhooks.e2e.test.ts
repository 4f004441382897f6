import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openSession, screenshot, signIn, type Session } from "./support/browser";
import { cli, curl } from "./support/cli";

const baseUrl = inject("baseUrl");
const USER = "webhooks-wendy";
const PASSWORD = "webhooks-wendy-password";
let browser: Browser;
let wendy: Session;

/** Verified messages, as a receiver written without Runport's code sees them. */
const received: { id: string; type: string; data: Record<string, unknown> }[] = [];
let secret = "";
const receiver = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (c: Buffer) => chunks.push(c));
  request.on("end", () => {
    try {
      const payload = new Webhook(secret).verify(
        Buffer.concat(chunks).toString("utf8"),
        request.headers as Record<string, string>,
      ) as { type: string; data: Record<string, unknown> };
      received.push({ id: String(request.headers["webhook-id"]), ...payload });
      response.writeHead(200).end("ok");
    } catch {
      response.writeHead(400).end();
    }
  });
});

beforeAll(async () => {
  await cli("user", "create", USER, "--role", "submitter", "--password", PASSWORD);
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  browser = await launchBrowser();
  wendy = await openSession(browser);
  await signIn(wendy.page, USER, PASSWORD);
});

afterAll(async () => {
  await browser?.close();
  receiver.closeAllConnections();
  receiver.close();
});

describe("webhooks on the account page", () => {
  it("adds a webhook, sends a test event and redelivers it; a run's events arrive signed, once each", async () => {
    const { page } = wendy;
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await page.goto(`${baseUrl}/account`);
    await page.getByLabel("URL", { exact: true }).fill(url);
    await page.getByRole("button", { name: "Add webhook" }).click();
    const shown = page.locator("code", { hasText: "whsec_" });
    await expect.poll(() => shown.count()).toBe(1);
    secret = (await shown.textContent())!.trim();

    await page.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => received.filter((r) => r.type === "webhook.test").length).toBe(1);
    await page.getByRole("button", { name: "Deliveries" }).click();
    const log = page.locator("table", { hasText: "Last answer" });
    await expect.poll(() => log.textContent()).toContain("succeeded");
    await log.getByRole("button", { name: "Redeliver" }).click();
    await expect.poll(() => received.filter((r) => r.type === "webhook.test").length).toBe(2);
    const tests = received.filter((r) => r.type === "webhook.test");
    expect(tests[1]!.id).toBe(tests[0]!.id);
    await screenshot(page, "60-webhooks");

    const submitted = await curl([
      "--user",
      `${USER}:${PASSWORD}`,
      "-H",
      "Content-Type: application/json",
      "-d",
      JSON.stringify({ pipeline: "hello", config: { name: "hooks", sleepSeconds: 0, steps: 1 } }),
      `${baseUrl}/api/v1/runs`,
    ]);
    expect(submitted.status).toBe(201);
    const runId = (JSON.parse(submitted.body) as { id: string }).id;
    // Sent at the same time when due together: in any order (receivers order by timestamp).
    const ofRun = () =>
      received
        .filter((r) => r.data.id === runId)
        .map((r) => r.type)
        .sort();
    await expect
      .poll(ofRun, { timeout: 60_000, interval: 200 })
      .toEqual(["run.queued", "run.started", "run.succeeded"].sort());
    const ids = received.filter((r) => r.data.id === runId).map((r) => r.id);
    expect(new Set(ids).size).toBe(3);
    expect(wendy.external).toEqual([]);
    expect(wendy.refused).toEqual([]);
  });
});
