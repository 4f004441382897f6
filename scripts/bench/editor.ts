import { writeFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { launchBrowser } from "@/test/chromium";
import { median } from "./stats";

interface SignIn {
  baseUrl: string;
  username: string;
  password: string;
}

/** A fresh browser context, signed in, on the new-run page of `pipeline` once its editor is ready. */
async function openEditor(browser: Browser, o: SignIn, pipeline: string) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  // The JSON tab, as chosen before (a new user starts on the Form tab).
  await context.addInitScript(() => window.localStorage.setItem("runport:new-run:tab", "json"));
  const page = await context.newPage();
  await page.goto(`${o.baseUrl}/signin`);
  await page.fill("#username", o.username);
  await page.fill("#password", o.password);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/runs/);
  await page.goto(`${o.baseUrl}/new?pipeline=${pipeline}`);
  await page
    .locator('[data-testid="json-editor"][data-state="ready"]')
    .waitFor({ timeout: 60_000 });
  return { context, page };
}

async function coldLoad(browser: Browser, signIn: SignIn) {
  const { context, page } = await openEditor(browser, signIn, "hello");
  await page.waitForTimeout(500);
  // A string, not a function: tsx would wrap named helpers in __name(), unknown in the page.
  const figures = await page.evaluate<{ before: number; editor: number; ready: number }>(`(() => {
    const start = performance.getEntriesByName("runport:editor-import")[0]?.startTime ?? NaN;
    const ready = performance.getEntriesByName("runport:editor-ready")[0]?.startTime ?? NaN;
    const js = performance.getEntriesByType("resource").filter((e) => /\\.js(\\?|$)/.test(e.name));
    return {
      before: js.filter((e) => e.startTime < start).reduce((n, e) => n + e.encodedBodySize, 0),
      editor: js.filter((e) => e.startTime >= start).reduce((n, e) => n + e.encodedBodySize, 0),
      ready,
    };
  })()`);
  await context.close();
  return figures;
}

/** A fastq-qc config of `count` data files, padded to about `bytes`. */
export function bigConfig(count: number, bytes: number): string {
  const base = {
    pipeline: "fastq-qc@1.0.0",
    project: "bench",
    study: "BENCH",
    email: "bench@example.org",
    dataFiles: [] as object[],
  };
  const pad = Math.max(0, Math.floor(bytes / count) - 240);
  for (let i = 0; i < count; i++) {
    base.dataFiles.push({
      fastqPath: `data/${"x".repeat(pad)}/sample-${i}_R${(i % 2) + 1}.fastq.gz`,
      fastqCode: i % 2 === 0 ? "R1" : "R2",
      sampleName: `sample${Math.floor(i / 2)}`,
      rgsm: `sample${Math.floor(i / 2)}`,
      rglb: "lib1",
      rgpu: "FLOWCELL.1",
      rgpl: "ILLUMINA",
    });
  }
  return JSON.stringify(base, null, 2);
}

/**
 * One keystroke's stages, in ms from its keydown (workerMs: the check inside the worker;
 * incremental: it validated the edited string alone, see lib/schema/incremental-check.ts).
 */
export interface KeystrokeStages {
  total: number;
  asked: number;
  answered: number;
  workerMs: number;
  incremental: boolean;
}

async function keystrokeLatency(browser: Browser, signIn: SignIn) {
  const { context, page } = await openEditor(browser, signIn, "fastq-qc");
  const text = bigConfig(10_000, 5 * 1024 * 1024);
  // Pasted, as a person would (typing 5 MB would measure the keyboard, not the page).
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: signIn.baseUrl });
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("ControlOrMeta+A");
  const pasted = await page.evaluate(() => performance.now());
  await page.keyboard.press("ControlOrMeta+V");
  // Until the paste's own check has answered (the example's "Valid" stays shown meanwhile):
  // a keystroke sooner would wait for the 5 MB check, and measure the paste, not itself.
  const pasteMs = await page
    .waitForFunction(
      `(() => {
        const after = (name) => performance.getEntriesByName(name).filter((m) => m.startTime > ${pasted});
        const asked = after("runport:check-asked").length;
        const markers = after("runport:markers");
        return asked > 0 && after("runport:validated").length >= asked && markers.length > 0
          ? markers[markers.length - 1].startTime - ${pasted}
          : null;
      })()`,
      undefined,
      { timeout: 60_000, polling: 50 },
    )
    .then((handle) => handle.jsonValue() as Promise<number>);
  await page.getByText("Valid for fastq-qc@1.0.0").waitFor({ timeout: 60_000 });
  // Go to a line in the middle: a fastqCode value, and type inside it.
  const lines = text.split("\n");
  const target =
    lines.findIndex((l, i) => i > lines.length / 2 && l.includes('"fastqCode": "R1"')) + 1;
  await page.keyboard.press("ControlOrMeta+G");
  await page.keyboard.type(String(target));
  await page.keyboard.press("Enter");
  await page.keyboard.press("End");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft"); // inside "R1", before the closing quote
  await page.evaluate(`(() => {
    window.__keys = [];
    window.addEventListener("keydown", () => window.__keys.push(performance.now()), { capture: true });
  })()`);
  // BENCH_EDITOR_PROFILE=file.cpuprofile: the page's main thread profiled while typing.
  const profileTo = process.env.BENCH_EDITOR_PROFILE;
  const cdp = profileTo ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
    await cdp.send("Profiler.start");
  }
  const samples: number[] = [];
  const stages: KeystrokeStages[] = [];
  for (let i = 0; i < 10; i++) {
    const key = i % 2 === 0 ? "x" : "Backspace";
    await page.keyboard.press(key);
    const expectProblem = i % 2 === 0;
    await page.waitForFunction(
      (problem) => (document.querySelector("#problems") !== null) === problem,
      expectProblem,
      { timeout: 10_000 },
    );
    // Stages: keystroke → check asked (the page's pause in typing) → answer from the
    // validation worker (with the worker's own time) → markers set.
    const figures = await page.evaluate<KeystrokeStages>(`(() => {
      const pressed = window.__keys[window.__keys.length - 1] ?? 0;
      const first = (name) => performance.getEntriesByName(name).find((m) => m.startTime >= pressed);
      const asked = first("runport:check-asked");
      const validated = first("runport:validated");
      const markers = first("runport:markers");
      const since = (m) => (m === undefined ? NaN : m.startTime - pressed);
      return {
        total: since(markers),
        asked: since(asked),
        answered: since(validated),
        workerMs: validated?.detail?.workerMs ?? NaN,
        incremental: validated?.detail?.incremental === true,
      };
    })()`);
    samples.push(figures.total);
    stages.push(figures);
  }
  if (cdp && profileTo) {
    const { profile } = await cdp.send("Profiler.stop");
    writeFileSync(profileTo, JSON.stringify(profile));
  }
  await context.close();
  return { documentBytes: Buffer.byteLength(text), pasteMs, samples, stages };
}

/** The new-run page's figures in headless Chromium against a running web server. */
export async function measureEditor(signIn: SignIn) {
  const browser = await launchBrowser();
  try {
    const loads = [];
    for (let i = 0; i < 3; i++) loads.push(await coldLoad(browser, signIn));
    const big = await keystrokeLatency(browser, signIn);
    const sorted = [...big.samples].sort((a, b) => a - b);
    return {
      /** Gzip bytes of JavaScript the new-run page loads before it starts loading the editor. */
      jsBeforeEditorBytes: median(loads.map((l) => l.before)),
      /** Gzip bytes of the editor's own JavaScript and workers, loaded after. */
      editorBytes: median(loads.map((l) => l.editor)),
      /** From navigation start until the editor accepts input (median of 3 cold loads). */
      editorReadyMs: median(loads.map((l) => l.ready)),
      big: {
        documentBytes: big.documentBytes,
        dataFiles: 10_000,
        /** Paste → its markers: the whole 5 MB text parsed, scanned and validated. */
        pasteToMarkersMs: big.pasteMs ?? NaN,
        keystrokeToMarkersMs: big.samples,
        stages: big.stages,
        p50: median(big.samples),
        max: sorted[sorted.length - 1] ?? NaN,
      },
    };
  } finally {
    await browser.close();
  }
}

export type EditorFigures = Awaited<ReturnType<typeof measureEditor>>;
