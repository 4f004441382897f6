import path from "node:path";
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

describe("reference lists", () => {
  it("defines a list from a file, refreshes it now, and shows its failure on the operations page", async () => {
    const { page } = opal;
    await page.goto(`${baseUrl}/lists`);
    await page.getByRole("button", { name: "New list" }).click();
    const form = page.locator("#create-list");
    await form.getByLabel("Name", { exact: true }).fill("opal-accounts");
    // ./lists is the default LIST_FILE_ROOTS; the shipped demo CSV has 5 accounts.
    await form.getByLabel("Path").fill(path.resolve("lists", "demo-hpc-accounts.csv"));
    await form.getByLabel("Value column").fill("account");
    await form.getByLabel("Label column (optional)").fill("description");
    await form.getByRole("button", { name: "Define list" }).click();
    await expect
      .poll(() => page.locator("main").textContent())
      .toContain("Defined “opal-accounts”");
    const card = page.locator("#list-opal-accounts");
    // The beat reads a new list at its next tick: "Refresh now" may find it busy, said so.
    await card.getByRole("button", { name: "Refresh now" }).click();
    const live = { timeout: 15_000 }; // the page reads the lists again every 5 s
    await expect.poll(() => card.textContent(), live).toContain("5 values");
    await screenshot(page, "32-lists");

    await card.getByRole("button", { name: "Edit" }).click();
    await card.getByLabel("Value column").fill("no-such-column");
    await card.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain("Saved “opal-accounts”");
    await card.getByRole("button", { name: "Refresh now" }).click();
    await expect
      .poll(() => card.textContent(), live)
      .toContain('Failed: the value column "no-such-column" is not in the header');
    expect(await card.textContent()).toContain("5 values"); // the last good version stays
    await card.getByRole("button", { name: "Versions" }).click();
    await expect.poll(() => card.locator("table").textContent()).toContain("current");
    await screenshot(page, "33-lists-failing");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "34-lists-narrow");
    await page.setViewportSize({ width: 1366, height: 900 });

    await page.goto(`${baseUrl}/operations`);
    const failing = page.locator("section", { hasText: "Reference lists failing to refresh" });
    await expect.poll(() => failing.textContent()).toContain("opal-accounts");
    expect(await failing.textContent()).toContain("5 values, read");
    await screenshot(page, "35-operations-failing-list");
    const deleted = await api(["-X", "DELETE", `${baseUrl}/api/v1/lists/opal-accounts`]);
    expect(deleted.status).toBe(204);
  });
});

describe("the events page", () => {
  it("is reached from the nav; a rule is edited there: a bad template at its field, then saved", async () => {
    const created = await api([
      "-H",
      "Content-Type: application/json",
      "-d",
      JSON.stringify({
        name: "opal-greet",
        eventType: "opal_greeting",
        pipeline: "hello@latest",
        configTemplate: { name: "{{ /payload/who }}" },
        submitAs: "opal",
      }),
      `${baseUrl}/api/v1/event-rules`,
    ]);
    expect(created.status, created.body).toBe(201);
    const rule = JSON.parse(created.body) as { id: string };
    const { page } = opal;
    await page.goto(`${baseUrl}/runs`);
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Events" })
      .click();
    await page.waitForURL(/\/events$/);
    await page.getByRole("button", { name: "Edit the rule opal-greet" }).click();
    const form = page.getByRole("form", { name: "Edit the rule opal-greet" });
    const template = form.getByLabel(/Config template/);
    await template.fill('{"name": "{{ /payload/who }}", "steps": "many"}');
    await form.getByRole("button", { name: "Save the rule" }).click();
    await expect
      .poll(() => form.locator("#edit-rule-template-error").textContent())
      .toContain("/steps");
    expect(await template.getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "36-events-rule-edit-error");

    await template.fill('{"name": "{{ /payload/who }}", "greeting": "Hi"}');
    await form.getByLabel("Name", { exact: true }).fill("opal-greet-edited");
    await form.getByLabel("Enabled").uncheck();
    await form.getByRole("button", { name: "Save the rule" }).click();
    const rules = page.locator("section", { hasText: "Rules" }).locator("table");
    await expect.poll(() => rules.textContent()).toContain("opal-greet-edited (disabled)");
    expect(await form.count()).toBe(0); // closed after the save
    const saved = JSON.parse((await api([`${baseUrl}/api/v1/event-rules/${rule.id}`])).body) as {
      name: string;
      enabled: boolean;
      configTemplate: unknown;
    };
    expect(saved).toMatchObject({
      name: "opal-greet-edited",
      enabled: false,
      configTemplate: { name: "{{ /payload/who }}", greeting: "Hi" },
    });
    await page.reload();
    await expect.poll(() => rules.textContent()).toContain("opal-greet-edited (disabled)");
  });
});
