import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openSession, screenshot, signIn, type Session } from "./support/browser";
import { cli, curl } from "./support/cli";

const baseUrl = inject("baseUrl");
const PASSWORD = "opal-password-1";
let browser: Browser;
let opal: Session;

beforeAll(async () => {
  await cli("user", "create", "opal", "--role", "admin", "--password", PASSWORD);
  browser = await launchBrowser();
  opal = await openSession(browser);
  await signIn(opal.page, "opal", PASSWORD);
});

afterAll(async () => {
  await browser?.close();
});

const api = (args: string[]) => curl(["--user", `opal:${PASSWORD}`, ...args]);

describe("the operations page", () => {
  it("shows the live worker and beat, and pauses and resumes intake", async () => {
    const { page } = opal;
    await page.goto(`${baseUrl}/operations`);
    await expect.poll(() => page.locator("main").textContent()).toContain("Active");
    const workers = page.locator("table", { hasText: "Last heartbeat" });
    expect(await workers.textContent()).toMatch(/\/ 2/); // "running / concurrency"
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Pause intake" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain("Paused");
    const state = JSON.parse((await api([`${baseUrl}/api/v1/operations`])).body) as {
      intake: { paused: boolean; by: string };
    };
    expect(state.intake).toMatchObject({ paused: true, by: "opal" });
    await screenshot(page, "30-operations-paused");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Resume intake" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain("Running");
  });
});

describe("schedules", () => {
  it("creates one in the browser form: a bad cron is shown at its field, then it is created", async () => {
    const { page } = opal;
    await page.goto(`${baseUrl}/schedules`);
    await page.getByRole("button", { name: "New schedule" }).first().click();
    await page.getByLabel("Pipeline").selectOption("hello");
    await page.getByLabel("Name").fill("nightly hello");
    await page.getByLabel("Cron expression").fill("0 25 * * *");
    await page.getByLabel("Config (JSON)").fill('{"name": "night"}');
    await page.getByRole("button", { name: "Create schedule" }).click();
    await expect
      .poll(() => page.locator("#create-schedule").textContent())
      .toContain('the hour field "25"');
    await page.getByLabel("Cron expression").fill("0 2 * * *");
    await page.getByRole("button", { name: "Create schedule" }).click();
    await expect
      .poll(() => page.locator("main").textContent())
      .toContain("Created “nightly hello”");
    const list = JSON.parse((await api([`${baseUrl}/api/v1/schedules`])).body) as {
      items: { id: string; name: string; cron: string }[];
    };
    const created = list.items.find((item) => item.name === "nightly hello");
    expect(created?.cron).toBe("0 2 * * *");
    expect((await api(["-X", "DELETE", `${baseUrl}/api/v1/schedules/${created!.id}`])).status).toBe(
      204,
    );
  });

  it("fires a cron schedule through the real beat: one run per fire, listed on the page", async () => {
    const created = await api([
      "-H",
      "Content-Type: application/json",
      "-d",
      JSON.stringify({
        name: "every minute",
        pipeline: "hello@latest",
        config: { name: "cron" },
        cron: "* * * * *",
      }),
      `${baseUrl}/api/v1/schedules`,
    ]);
    expect(created.status).toBe(201);
    const schedule = JSON.parse(created.body) as { id: string; nextFireAt: string };
    const { page } = opal;
    await page.goto(`${baseUrl}/schedules`);
    await expect.poll(() => page.locator("main").textContent()).toContain("every minute");
    await screenshot(page, "31-schedules");

    // The next minute boundary, then a beat tick (2 s in the test stack).
    const runs = async () =>
      JSON.parse((await api([`${baseUrl}/api/v1/runs?label=schedule:${schedule.id}`])).body) as {
        total: number;
        items: { status: string; trigger: string }[];
      };
    const waitMs = Date.parse(schedule.nextFireAt) - Date.now() + 20_000;
    await expect
      .poll(async () => (await runs()).items[0]?.status, { timeout: waitMs, interval: 500 })
      .toBe("succeeded");
    const fired = await runs();
    expect(fired.total).toBe(1); // one fire so far, one run
    expect(fired.items[0]?.trigger).toBe("schedule");
    const deleted = await api(["-X", "DELETE", `${baseUrl}/api/v1/schedules/${schedule.id}`]);
    expect(deleted.status).toBe(204);
  });
});
