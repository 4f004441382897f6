// Bench part `views`: what open Runs pages cost the database, idle and busy. N headless
// Chromium tabs (one browser context each, signed in as an admin: they hear of every run)
// sit on /runs of a web process whose MySQL connections go through a counting proxy
// (./query-counter.ts). Idle: nothing changes for IDLE_S seconds. Busy: a client submits a
// held run and cancels it every 500 ms (4 changes a second) for BUSY_S seconds. Also the
// cost of a conditional list read: GET /api/v1/runs with If-None-Match (304) beside the
// full read (200), sequential, as p50/p95.
import type { Browser, BrowserContext } from "playwright-core";
import { setTimeout as sleep } from "node:timers/promises";
import { createAppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { createUser } from "@/server/users/create-user";
import { launchBrowser } from "@/test/chromium";
import { createTestResources } from "@/test/resources";
import { startStack } from "@/test/stack";
import { submitRun } from "./bench-stack";
import { startQueryCounter, type QueryCounts } from "./query-counter";
import { fmt, percentile } from "./stats";

const TABS = Number(process.env.BENCH_VIEW_TABS ?? 5);
const IDLE_S = Number(process.env.BENCH_VIEW_IDLE_SECONDS ?? 30);
const BUSY_S = Number(process.env.BENCH_VIEW_BUSY_SECONDS ?? 30);
const CHANGE_EVERY_MS = 500;
const CONDITIONAL_READS = 300;
/** A run that stays held: it changes only when the bench cancels it. */
const HELD_RUN = { pipeline: "hello", hold: true, config: { name: "views" } };

export interface ViewFigures {
  tabs: number;
  idle: { seconds: number; counts: QueryCounts; listPerMinutePerTab: number };
  busy: {
    seconds: number;
    changes: number;
    counts: QueryCounts;
    listPerMinutePerTab: number;
    listReadsPerTab: number;
  };
  /** ms, sequential, in turns: GET /api/health/live (no auth, no I/O: the floor), then */
  live: { p50: number; p95: number };
  /** GET /api/v1/runs?limit=50 as the admin (Basic with a password, cached) → 200, */
  read200: { p50: number; p95: number };
  /** and the same with If-None-Match → 304. */
  read304: { p50: number; p95: number };
}

async function openTab(browser: Browser, baseUrl: string, password: string) {
  const context: BrowserContext = await browser.newContext();
  const page = await context.newPage();
  let listReads = 0;
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/v1/runs") listReads++;
  });
  await page.goto(`${baseUrl}/signin`);
  await page.fill("#username", "views-admin");
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/runs/);
  return { context, reads: () => listReads };
}

interface Read {
  url: string;
  headers: Record<string, string>;
  expectStatus: number;
}

/**
 * Times the reads in turns (one of each, CONDITIONAL_READS times), so that the machine's
 * load at any moment weighs on all of them alike; p50/p95 of each.
 */
async function timeReads(reads: Read[]) {
  const times = reads.map(() => [] as number[]);
  for (let i = 0; i < CONDITIONAL_READS; i++) {
    for (const [k, read] of reads.entries()) {
      const started = performance.now();
      const response = await fetch(read.url, { headers: read.headers });
      await response.arrayBuffer();
      if (response.status !== read.expectStatus)
        throw new Error(`GET ${read.url}: ${response.status}`);
      times[k]!.push(performance.now() - started);
    }
  }
  return times.map((list) => {
    list.sort((a, b) => a - b);
    return { p50: percentile(list, 50), p95: percentile(list, 95) };
  });
}

const perMinutePerTab = (n: number, seconds: number) => (n * 60) / seconds / TABS;

export async function measureViews(outDir: string): Promise<ViewFigures> {
  const resources = await createTestResources();
  const counter = await startQueryCounter(resources.databaseUrl);
  const stack = await startStack({
    ...resources,
    databaseUrl: counter.url,
    processes: ["web"],
    adminPassword: "bench-admin-1",
    logDir: `${outDir}/processes`,
  });
  // The bench's own statements go to MySQL directly, not through the counter.
  const ctx = createAppContext(
    { ...loadConfig({ ...stack.env, DATABASE_URL: resources.databaseUrl }), logLevel: "warn" },
    "bench",
  );
  const browser = await launchBrowser();
  try {
    const password = "views-password-1";
    await createUser(ctx, { username: "views-admin", role: "admin", password });
    await createUser(ctx, { username: "views-sub", role: "submitter", password });
    const admin = `Basic ${Buffer.from(`views-admin:${password}`).toString("base64")}`;
    const submitter = `Basic ${Buffer.from(`views-sub:${password}`).toString("base64")}`;
    for (let i = 0; i < 60; i++) await submitRun(stack.baseUrl, submitter, HELD_RUN);

    const tabs = [];
    for (let i = 0; i < TABS; i++) tabs.push(await openTab(browser, stack.baseUrl, password));
    await sleep(3000); // every tab has its feed open

    counter.reset();
    await sleep(IDLE_S * 1000);
    const idleCounts = counter.counts();

    const readsBefore = tabs.reduce((n, t) => n + t.reads(), 0);
    counter.reset();
    const started = Date.now();
    let changes = 0;
    while (Date.now() - started < BUSY_S * 1000) {
      const tick = Date.now();
      const id = await submitRun(stack.baseUrl, submitter, HELD_RUN);
      await fetch(`${stack.baseUrl}/api/v1/runs/${id}/cancel`, {
        method: "POST",
        headers: { Authorization: submitter },
      });
      changes += 2;
      await sleep(Math.max(0, 2 * CHANGE_EVERY_MS - (Date.now() - tick)));
    }
    await sleep(1500); // the last debounced reads
    const busyCounts = counter.counts();
    const busySeconds = (Date.now() - started) / 1000;
    const listReads = tabs.reduce((n, t) => n + t.reads(), 0) - readsBefore;
    for (const tab of tabs) await tab.context.close();

    const url = `${stack.baseUrl}/api/v1/runs?limit=50`;
    const etag = (await fetch(url, { headers: { Authorization: admin } })).headers.get("etag");
    if (!etag) throw new Error("GET /api/v1/runs sent no ETag");
    const reads: Read[] = [
      { url: `${stack.baseUrl}/api/health/live`, headers: {}, expectStatus: 200 },
      { url, headers: { Authorization: admin }, expectStatus: 200 },
      { url, headers: { Authorization: admin, "If-None-Match": etag }, expectStatus: 304 },
    ];
    await timeReads(reads); // warm up: credential cache, JIT, pools
    const [live, read200, read304] = await timeReads(reads);
    return {
      tabs: TABS,
      idle: {
        seconds: IDLE_S,
        counts: idleCounts,
        listPerMinutePerTab: perMinutePerTab(idleCounts.listQueries, IDLE_S),
      },
      busy: {
        seconds: busySeconds,
        changes,
        counts: busyCounts,
        listPerMinutePerTab: perMinutePerTab(busyCounts.listQueries, busySeconds),
        listReadsPerTab: listReads / TABS,
      },
      live: live!,
      read200: read200!,
      read304: read304!,
    };
  } finally {
    await browser.close();
    await ctx.close();
    await stack.stop();
    await counter.close();
    await resources.remove();
  }
}

export function viewRows(v: ViewFigures): string[][] {
  return [
    [
      `(i) idle Runs tabs: list queries per minute per tab (${v.tabs} tabs, ${v.idle.seconds} s)`,
      fmt(v.idle.listPerMinutePerTab, 2),
      "target 0",
    ],
    [
      "(i) idle: all statements of the web process per minute",
      fmt((v.idle.counts.statements * 60) / v.idle.seconds, 1),
      "",
    ],
    [
      `(i) busy (${fmt(v.busy.changes / v.busy.seconds, 1)} changes/s): list queries per minute per tab`,
      fmt(v.busy.listPerMinutePerTab, 1),
      "3 s poll: 40",
    ],
    [
      "(i) GET /api/health/live (the floor), p50 / p95",
      `${fmt(v.live.p50)} / ${fmt(v.live.p95)} ms`,
      "",
    ],
    [
      "(i) GET /api/v1/runs?limit=50 → 200, p50 / p95",
      `${fmt(v.read200.p50)} / ${fmt(v.read200.p95)} ms`,
      "",
    ],
    [
      "(i) same with If-None-Match → 304, p50 / p95",
      `${fmt(v.read304.p50)} / ${fmt(v.read304.p95)} ms`,
      "target ≤ 5 ms",
    ],
  ];
}

export function viewDetail(v: ViewFigures): string {
  return `(i) busy: ${v.busy.changes} changes in ${fmt(v.busy.seconds)} s; each tab read the list ${fmt(v.busy.listReadsPerTab, 1)} times; web statements ${v.busy.counts.statements} (submissions and cancels included); before the feed a tab polled every 3 s: 20 reads = 40 list queries per minute, idle or not`;
}
