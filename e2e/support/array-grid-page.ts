import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import type { Page } from "playwright-core";
import { freePort } from "@/test/stack";

export interface GridPage {
  /** The page's address; add ?rows=N&maxItems=M. */
  url: string;
  close(): Promise<void>;
}

/**
 * Bundles the array-grid harness (e2e/support/array-grid-harness.tsx) with esbuild, as a
 * production React build, and serves it with the app's global CSS from node:http on a free
 * port. No Next.js build, database or stack.
 */
export async function startGridPage(): Promise<GridPage> {
  const result = await build({
    entryPoints: [path.resolve("e2e/support/array-grid-harness.tsx")],
    bundle: true,
    write: false,
    outdir: "/harness",
    format: "esm",
    platform: "browser",
    target: "chrome120",
    jsx: "automatic",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });
  const file = (extension: string) =>
    result.outputFiles.find((output) => output.path.endsWith(extension))?.text ?? "";
  const files: Record<string, [string, string]> = {
    "/": [
      "text/html; charset=utf-8",
      '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
        '<meta name="viewport" content="width=device-width, initial-scale=1">' +
        "<title>Array grid</title>" +
        '<link rel="stylesheet" href="/globals.css"><link rel="stylesheet" href="/grid.css">' +
        '</head><body><div id="root"></div><script type="module" src="/grid.js"></script>' +
        "</body></html>",
    ],
    "/grid.js": ["text/javascript", file(".js")],
    "/grid.css": ["text/css", file(".css")],
    "/globals.css": ["text/css", readFileSync("app/globals.css", "utf8")],
  };
  const port = await freePort();
  const server: Server = createServer((request, response) => {
    const found = files[new URL(request.url ?? "/", "http://localhost").pathname];
    if (!found) return response.writeHead(404).end();
    response.writeHead(200, { "Content-Type": found[0], "Cache-Control": "no-store" });
    response.end(found[1]);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface GridFigures {
  rows: number;
  /** The first render of the page's grid (React's synchronous commit). */
  renderMs: number;
  /** From the start of that render to the next animation frame (layout and paint included). */
  paintMs: number;
  /** The median of 10 renders again in new roots of the same page (React warm). */
  warmRenderMs: number;
  /** Rows in the DOM. */
  domRows: number;
}

/** Loads the harness with `rows` rows in a page and reads what it measured (for a bench). */
export async function measureGridRender(
  page: Page,
  url: string,
  rows: number,
): Promise<GridFigures> {
  await page.goto(`${url}?rows=${rows}`);
  await page.locator("body[data-ready=true]").waitFor();
  const { renderMs, paintMs } = await page.evaluate(() => ({
    renderMs: window.gridHarness.renderMs,
    paintMs: window.gridHarness.paintMs,
  }));
  const domRows = await page.locator('[role="grid"] [role="row"]').count();
  const warm = await page.evaluate(() =>
    Array.from({ length: 10 }, () => window.gridHarness.remount()).sort((a, b) => a - b),
  );
  return { rows, renderMs, paintMs, warmRenderMs: warm[5]!, domRows };
}
