import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  launchBrowser,
  openSession,
  screenshot,
  setEditorText,
  signIn,
  type Session,
} from "./support/browser";
import { cli } from "./support/cli";

const baseUrl = inject("baseUrl");
const PASSWORD = "nina-password-1";
const example = readFileSync(path.resolve("pipelines/fastq-qc/example.json"), "utf8");

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };

let browser: Browser;
let nina: Session;
let signedOut: Session;
let runId: string;

/** A POST from the signed-in page, as the portal's own scripts make it. */
async function post(page: Page, url: string, body: unknown): Promise<{ id: string }> {
  return page.evaluate(
    async ([url, body]) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return (await response.json()) as { id: string };
    },
    [url, body] as const,
  );
}

beforeAll(async () => {
  // An admin sees every page, Operations included.
  await cli("user", "create", "nina", "--role", "admin", "--password", PASSWORD);
  browser = await launchBrowser();
  nina = await openSession(browser);
  signedOut = await openSession(browser);
  await signIn(nina.page, "nina", PASSWORD);
  // Long values where a page shows them: a run with outputs, labels and a log; a schedule;
  // a token.
  const run = await post(nina.page, "/api/v1/runs", {
    pipeline: "fastq-qc",
    name: "quality control of the October sequencing batch",
    labels: { project: "narrow-screens-demo", sample_sheet: "batch-2026-10-a" },
    config: JSON.parse(example) as unknown,
  });
  runId = run.id;
  await post(nina.page, "/api/v1/schedules", {
    name: "nightly hello for the narrow-screens test",
    pipeline: "hello@latest",
    config: { name: "night" },
    cron: "0 2 * * *",
  });
  await post(nina.page, "/api/v1/tokens", { name: "laptop-script-for-narrow-screens" });
});

afterAll(async () => {
  await browser?.close();
});

interface Visit {
  name: string;
  path: () => string;
  signedOut?: boolean;
  /** Waits until the page shows what it is about (so the measure is of the full page). */
  ready: (page: Page) => Promise<void>;
}

const text = (page: Page, selector = "main") => page.locator(selector).first().textContent();

const VISITS: Visit[] = [
  {
    name: "signin",
    path: () => "/signin",
    signedOut: true,
    ready: (page) => page.locator("#username").waitFor(),
  },
  {
    name: "runs",
    path: () => "/runs",
    ready: (page) => page.locator("main table").waitFor(),
  },
  {
    name: "run",
    path: () => `/runs/${runId}`,
    ready: async (page) => {
      await expect.poll(() => text(page, "h1"), { timeout: 60_000 }).toContain("Succeeded");
      await expect
        .poll(() => page.getByRole("log").textContent(), { timeout: 15_000 })
        .toContain("exited with code 0");
      await page.locator("main table").first().waitFor(); // the outputs
    },
  },
  {
    name: "new-run",
    path: () => "/new?pipeline=fastq-qc",
    ready: async (page) => {
      await setEditorText(page, example.replace('"fastqCode": "R1"', '"fastqCode": "R3"'));
      await expect
        .poll(() => text(page, "#problems li"), { timeout: 15_000 })
        .toContain("/dataFiles/0/fastqCode");
      await page.mouse.click(1, 1); // out of the editor: no cursor line in the picture
    },
  },
  {
    name: "pipelines",
    path: () => "/pipelines",
    ready: async (page) => {
      await expect.poll(() => text(page)).toContain("fastq-qc");
    },
  },
  {
    name: "pipeline",
    path: () => "/pipelines/fastq-qc",
    ready: (page) => page.locator("main table").first().waitFor(),
  },
  {
    name: "schedules",
    path: () => "/schedules",
    ready: async (page) => {
      await expect.poll(() => text(page)).toContain("nightly hello for the narrow-screens test");
      await page.getByRole("button", { name: "New schedule" }).first().click();
      await page.locator("#create-schedule").waitFor(); // the form, too
    },
  },
  {
    name: "events",
    path: () => "/events",
    ready: async (page) => {
      await expect.poll(() => text(page)).toContain("Latest events");
      await page.locator('form[aria-label="New rule"]').waitFor(); // an admin's form, too
    },
  },
  {
    name: "operations",
    path: () => "/operations",
    ready: async (page) => {
      await expect.poll(() => text(page), { timeout: 15_000 }).toContain("Last heartbeat");
    },
  },
  {
    name: "lists",
    path: () => "/lists",
    ready: async (page) => {
      await expect.poll(() => text(page)).toContain("hpc-accounts"); // defined at start
      await page.getByRole("button", { name: "New list" }).click();
      await page.locator("#create-list").waitFor(); // the form, too
    },
  },
  {
    name: "users",
    path: () => "/users",
    ready: (page) => page.locator("main table").waitFor(),
  },
  {
    name: "account",
    path: () => "/account",
    ready: async (page) => {
      await expect.poll(() => text(page)).toContain("laptop-script-for-narrow-screens");
    },
  },
  {
    name: "apidocs",
    path: () => "/apidocs",
    ready: (page) => page.locator("main h1").waitFor(),
  },
];

/** How wide the page is, and what sticks out past the window's right edge (for the message). */
function measure(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const sticksOut = (el: Element) => el.getBoundingClientRect().right > width + 0.5;
    // Inside a box that scrolls or clips, a wide thing widens nothing but its box.
    const clipped = (el: Element) => {
      if (getComputedStyle(el).position === "absolute") return false; // may escape its box
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement)
        if (getComputedStyle(up).overflowX !== "visible") return true;
      return false;
    };
    const outside = [...document.querySelectorAll("body *")]
      .filter((el) => sticksOut(el) && !clipped(el))
      .filter((el) => !el.parentElement || !sticksOut(el.parentElement))
      .slice(0, 8)
      .map((el) => {
        const name = `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
        return `${name} right=${Math.round(el.getBoundingClientRect().right)}`;
      });
    return { scrollWidth: document.documentElement.scrollWidth, width, outside };
  });
}

describe.each([
  { label: "390", viewport: PHONE },
  { label: "1366", viewport: DESKTOP },
])("every page at $label px", ({ label, viewport }) => {
  it.each(VISITS.map((visit) => [visit.name, visit] as const))(
    "%s does not scroll sideways",
    async (_name, visit) => {
      const { page } = visit.signedOut ? signedOut : nina;
      await page.setViewportSize(viewport);
      await page.goto(`${baseUrl}${visit.path()}`);
      await visit.ready(page);
      await screenshot(page, `narrow-${label}-${visit.name}`);
      const { scrollWidth, width, outside } = await measure(page);
      console.log(`${label} px ${visit.name}: scrollWidth ${scrollWidth}`);
      expect(scrollWidth, `${visit.name} sticks out: ${outside.join(", ")}`).toBeLessThanOrEqual(
        width,
      );
    },
  );
});

describe("the navigation at 390 px", () => {
  it("folds into a menu that opens by click or keyboard, and its links lead to their pages", async () => {
    const { page } = nina;
    await page.setViewportSize(PHONE);
    await page.goto(`${baseUrl}/runs`);
    const menu = page.getByRole("button", { name: "Menu" });
    const pipelines = page.getByRole("navigation", { name: "Main" }).getByRole("link", {
      name: "Pipelines",
    });
    expect(await pipelines.isVisible()).toBe(false);
    expect(await menu.getAttribute("aria-expanded")).toBe("false");

    await menu.click();
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await screenshot(page, "narrow-390-menu-open");
    const { scrollWidth, width } = await measure(page);
    expect(scrollWidth).toBeLessThanOrEqual(width);
    await pipelines.click();
    await page.waitForURL(/\/pipelines$/);
    await expect.poll(() => menu.getAttribute("aria-expanded")).toBe("false"); // closed again

    // Keyboard only: Enter opens, Tab reaches the links, Escape closes and keeps the focus.
    await menu.focus();
    await page.keyboard.press("Enter");
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Runs");
    await page.keyboard.press("Escape");
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Menu");
    await page.keyboard.press("Enter");
    for (const link of [
      "Runs",
      "New run",
      "Pipelines",
      "Schedules",
      "Events",
      "Operations",
      "Lists",
      "Audit",
      "Users",
      "API",
    ]) {
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(link);
    }
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("nina");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/account$/);
  });

  it.each([DESKTOP.width, 1061])(
    "shows every link in one bar without a menu button at %i px",
    async (width) => {
      const { page } = nina;
      await page.setViewportSize({ ...DESKTOP, width });
      await page.goto(`${baseUrl}/runs`);
      expect(await page.getByRole("button", { name: "Menu" }).isVisible()).toBe(false);
      const nav = page.getByRole("navigation", { name: "Main" });
      for (const link of [
        "Runs",
        "New run",
        "Pipelines",
        "Schedules",
        "Events",
        "Operations",
        "Lists",
        "Users",
        "API",
        "nina",
      ])
        expect(await nav.getByRole("link", { name: link, exact: true }).isVisible()).toBe(true);
      // The widest bar (an admin's) still fits just above the width where it folds.
      const bar = await nav.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      console.log(`the bar at ${width} px: needs ${bar.scroll} px of ${bar.client}`);
      expect(bar.scroll).toBeLessThanOrEqual(bar.client);
      expect((await nav.boundingBox())?.height).toBe(52);
    },
  );
});
