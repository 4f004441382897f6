// (previews) output previews (issue 17): the ~50 MB big.tsv of the test pipeline
// preview-probe (1.1 million rows, stored in MySQL in 1 MiB chunks), its first page, a middle
// page and the last page through GET /api/v1/runs/{id}/outputs/{outputId}/preview (200 rows,
// as the run page asks), worst of ROUNDS each; and in Chromium, the time from pressing the
// run page's "Preview big.tsv" to the first table rows shown, worst of ROUNDS fresh pages.
// On a stack of its own (build, MariaDB, Redis): `BENCH_PARTS=previews npm run bench`.
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { launchBrowser } from "@/test/chromium";
import { submitRun, withBenchStack } from "./bench-stack";
import { fmt } from "./stats";

const ROWS = 1_100_000;
const PAGE = 200;
const ROUNDS = 3;

export interface PreviewFigures {
  bytes: number;
  rows: number;
  /** ms of each round, per page. */
  pages: { name: string; offset: number; ms: number[] }[];
  /** ms from the click to the first row shown, each round. */
  browserMs: number[];
}

const worst = (xs: number[]) => Math.max(...xs);

export async function measurePreviews(outDir: string): Promise<PreviewFigures> {
  const env = {
    PIPELINES_PATH: [
      path.resolve("pipelines"),
      path.resolve("test/fixtures/pipelines/preview-probe"),
    ].join(":"),
    // big.tsv is stored whole (the defaults store files up to 16 MiB).
    OUTPUT_STORE_MAX_BYTES: String(64 * 2 ** 20),
    OUTPUT_STORE_RUN_MAX_BYTES: String(128 * 2 ** 20),
  };
  return withBenchStack(
    { outDir, username: "previews", env },
    async ({ stack, auth, password }) => {
      const base = stack.baseUrl;
      const get = async (url: string) => {
        const response = await fetch(`${base}${url}`, { headers: { Authorization: auth } });
        if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
        return response.json() as Promise<unknown>;
      };
      const runId = await submitRun(base, auth, {
        pipeline: "preview-probe",
        name: "previews bench",
        config: { tsvRows: ROWS },
      });
      const deadline = Date.now() + 10 * 60_000;
      let status = "";
      while (Date.now() < deadline) {
        status = ((await get(`/api/v1/runs/${runId}`)) as { status: string }).status;
        if (["succeeded", "failed", "error", "cancelled"].includes(status)) break;
        await sleep(500);
      }
      if (status !== "succeeded") throw new Error(`the preview-probe run is ${status}`);
      const outputs = (await get(`/api/v1/runs/${runId}/outputs`)) as {
        items: { id: number; path: string; size: number; download: string | null }[];
      };
      const big = outputs.items.find((o) => o.path === "big.tsv");
      if (!big?.download) throw new Error("big.tsv was not stored");

      const pages = [
        { name: "first", offset: 0, ms: [] as number[] },
        { name: "middle", offset: ROWS / 2, ms: [] as number[] },
        { name: "last", offset: ROWS - PAGE, ms: [] as number[] },
      ];
      for (let round = 0; round < ROUNDS; round++) {
        for (const page of pages) {
          const started = performance.now();
          const answer = (await get(
            `/api/v1/runs/${runId}/outputs/${big.id}/preview?offset=${page.offset}&rows=${PAGE}`,
          )) as { kind: string; rows?: string[][] };
          page.ms.push(performance.now() - started);
          if (answer.kind !== "table" || answer.rows?.[0]?.[0] !== String(page.offset))
            throw new Error(`the ${page.name} page is not rows from ${page.offset}`);
        }
      }

      const browser = await launchBrowser();
      const browserMs: number[] = [];
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
          const page = await context.newPage();
          await page.goto(`${base}/signin`);
          await page.fill("#username", "previews");
          await page.fill("#password", password);
          await page.click("button[type=submit]");
          await page.waitForURL(/\/runs/);
          await page.goto(`${base}/runs/${runId}`);
          const button = page.getByRole("button", { name: "Preview big.tsv", exact: true });
          await button.waitFor();
          const started = performance.now();
          await button.click();
          await page
            .locator('section[aria-labelledby="preview-title"] tbody tr')
            .first()
            .waitFor({ timeout: 60_000 });
          browserMs.push(performance.now() - started);
          await context.close();
        }
      } finally {
        await browser.close();
      }
      return { bytes: big.size, rows: ROWS, pages, browserMs };
    },
  );
}

export function previewRows(f: PreviewFigures): string[][] {
  const mb = (f.bytes / 1e6).toFixed(1);
  return [
    ...f.pages.map((p) => [
      `(previews) ${mb} MB TSV, ${p.name} page (${PAGE} rows), worst of ${ROUNDS}`,
      `${fmt(worst(p.ms), 0)} ms`,
      "",
    ]),
    [
      `(previews) Preview pressed → first rows shown, worst of ${ROUNDS}`,
      `${fmt(worst(f.browserMs), 0)} ms`,
      "",
    ],
  ];
}

export function previewDetail(f: PreviewFigures): string {
  const list = (xs: number[]) => xs.map((x) => fmt(x, 0)).join(", ");
  return [
    `(previews) big.tsv: ${f.bytes.toLocaleString("en")} bytes, ${f.rows.toLocaleString("en")} rows`,
    ...f.pages.map((p) => `    ${p.name} page (offset ${p.offset}): ${list(p.ms)} ms`),
    `    Preview pressed → first rows: ${list(f.browserMs)} ms`,
  ].join("\n");
}
