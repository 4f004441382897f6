// `npm run bench`: performance figures measured side by side in one run, printed as a
// table and written to bench-results/bench.json. Parts (a)–(d) need a production build
// (npm run build); (e) needs no build, database, Redis or server.
// (a) authenticated, validated, stored and queued POST /api/v1/runs per second with 20
//     clients, divided by GET /api/health/live per second on the same server (target ≥ 0.5);
//     with one web process and with two on one port (WEB_INSTANCES=2: node's cluster module,
//     as PM2's cluster mode), side by side (BENCH_WEB_INSTANCES=1,2);
// (b) submit → process-start latency with an idle worker (targets p50 ≤ 15 ms, p99 ≤ 50 ms),
//     by stage, and one command started forked vs by a waiting launcher, alternately;
// (c) idle RSS of web, worker and beat;
// (d) the new-run page: JavaScript before the editor (gzip), time until the editor takes
//     input, and keystroke → markers on a 5 MB config of 10,000 dataFiles (≤ 300 ms);
// (e) spreadsheets: read + convert + validate a 10,000-row fastq-qc workbook in a fresh
//     process (≤ 2 s, ≤ 300 MB extra RSS), and the blank template's build time (≤ 300 ms).
// (f) worker: noop runs per second of one worker at concurrency 1 and 8 ÷ the bare spawn
//     rate of the same command (≥ 0.4); a 100 MiB stdout run: whole log stored, worker
//     peak RSS (≤ 250 MB), live tail lag (≤ 1 s). Needs the build, MySQL and Redis.
// (g) workbooks by writer: the 10,000-row workbook re-saved by openpyxl, LibreOffice (when
//     installed) and Gnumeric (.xlsx, .ods, .xls), read by SheetJS and by the old exceljs
//     reader, worst of 2 fresh processes each. Needs /usr/bin/python3 with openpyxl, ssconvert.
// (h) path checks: a 10,000-file fastq-qc config checked against a real data root (≤ 1 s),
//     beside the schema validation of the same config. No build, database or Redis.
// (i) history: the run list at 1,000,000 runs (issue 12), p50/p95 of every query of the
//     issue's table and every pair of filters through listRuns, with the rows MariaDB read
//     (target p95 ≤ 50 ms). Seeds its own database runport_bench_history by bulk SQL and
//     keeps it between runs. Needs MariaDB only, no build.
// (j) views: database queries per minute per open Runs tab, idle and busy (N Chromium tabs
//     on the change feed; statements counted by a proxy in front of MySQL), and the cost of
//     GET /api/v1/runs → 304 with If-None-Match. Needs the build, MySQL and Redis.
// (k) lists: a 100,000-value reference list refreshed (stored, then unchanged) and a
//     10,000-row fastq-qc config checked against it (target ≤ 1 s). Needs MariaDB and Redis.
// (form) the New run page's Form tab on the 5 MB config of (d): choosing the tab → the grid
//     shows its 10,000 rows, and an edit in the form (a field, a grid cell) → the editor's
//     text has it; p50 and max of 5 tries. Needs the build (scripts/bench/form.ts).
// (operations) the operations page at 1M runs and row retention of 100k runs under submissions
//     (scripts/bench/operations-scale.ts). Needs MariaDB (Sequence engine) and Redis; not in
//     the default list (seeding 1M runs takes minutes on a busy machine): BENCH_PARTS=operations.
// (tail) the 100 MiB run of (f) alone, without the noop runs: BENCH_PARTS=tail.
// (previews) output previews: a ~50 MB TSV's first, middle and last page through the preview
//     route (worst of 3), and Preview pressed → first table rows in Chromium
//     (scripts/bench/previews.ts). Needs the build, MySQL and Redis.
// (slurm) 200 trivial runs through a real Slurm (a one-node cluster of its own) by the real
//     worker: runs/s ÷ 200 bare `sbatch --wrap` jobs on the same cluster (target ≥ 0.8),
//     submit → job running p50/p99, the worker's Slurm commands per poll with 200 jobs in the
//     queue (target ≤ 2, constant) (scripts/bench/slurm.ts). Needs the build, MySQL, Redis
//     and Debian's slurmctld, slurmd, slurm-client, munge; about 2.5 min: BENCH_PARTS=slurm.
// BENCH_PARTS=api,latency,editor,spreadsheet,worker,writers,paths,history,views,lists,previews,form
// picks parts (default: all of these); `operations`, `tail` and `slurm` are run only when named.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { loadEnvConfig } from "@next/env";
import { withBenchStack } from "./bench-stack";
import { measureEditor, type EditorFigures } from "./editor";
import { formDetail, formRows, measureForm } from "./form";
import { historyDetail, historyRows, measureHistory } from "./history";
import { measureLatency, measureStartPaths } from "./latency";
import { listRows, measureLists } from "./lists";
import { measurePathChecks, pathCheckDetail, pathCheckRows } from "./path-checks";
import { measurePreviews, previewDetail, previewRows } from "./previews";
import { runLoad } from "./load";
import { measureOperationsScale, operationsDetail, operationsRows } from "./operations-scale";
import { treeRssMiB } from "./rss";
import { measureSlurm, slurmDetail, slurmRows } from "./slurm";
import { measureSpreadsheet, spreadsheetDetail, spreadsheetRows } from "./spreadsheet";
import { fmt } from "./stats";
import { measureViews, viewDetail, viewRows } from "./views";
import { measureWorker, workerDetail, workerRows } from "./worker-throughput";
import { measureWriters, writerRows } from "./workbook-writers";

const CONCURRENCY = 20;
const ROUNDS = 3;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const outDir = path.resolve("bench-results");
const PARTS = new Set(
  (
    process.env.BENCH_PARTS ??
    "api,latency,editor,spreadsheet,worker,writers,paths,history,views,lists,previews,form"
  ).split(","),
);
const WEB_INSTANCES = (process.env.BENCH_WEB_INSTANCES ?? "1,2").split(",").map(Number);

type Throughput = Awaited<ReturnType<typeof throughput>>["api"];

/** (a) on a stack with `webInstances` web processes; the editor (d) only when asked. */
function throughput(webInstances = 1, withEditor = PARTS.has("editor")) {
  const options = { outDir, username: "bench", processes: ["web" as const], webInstances };
  return withBenchStack(options, async (bench) => {
    const { stack, ctx, auth } = bench;
    const get = {
      url: `${stack.baseUrl}/api/health/live`,
      method: "GET" as const,
      expectStatus: 200,
    };
    const post = {
      url: `${stack.baseUrl}/api/v1/runs`,
      method: "POST" as const,
      headers: { Authorization: auth, "Content-Type": "application/json" },
      body: (i: number) =>
        JSON.stringify({
          pipeline: "hello@1.0.0",
          name: `bench ${i}`,
          config: { name: `run ${i}`, steps: 1 },
        }),
      expectStatus: 201,
    };
    const signIn = { baseUrl: stack.baseUrl, username: "bench", password: bench.password };
    const editor = withEditor ? await measureEditor(signIn) : null;
    if (!PARTS.has("api")) return { api: null, editor };
    await runLoad(get, CONCURRENCY, 2); // warm up both paths (JIT, pools, caches)
    await runLoad(post, CONCURRENCY, 2);
    const total = { gets: 0, getSeconds: 0, posts: 0, postSeconds: 0 };
    const errors: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const g = await runLoad(get, CONCURRENCY, SECONDS);
      const p = await runLoad(post, CONCURRENCY, SECONDS);
      total.gets += g.requests;
      total.getSeconds += g.seconds;
      total.posts += p.requests;
      total.postSeconds += p.seconds;
      for (const [status, n] of Object.entries(p.statuses))
        if (status !== "201") errors[status] = (errors[status] ?? 0) + n;
    }
    const [queued] = (await ctx.db.execute(
      "SELECT COUNT(*) AS n FROM runs WHERE status = 'queued'",
    )) as unknown as [{ n: number }[]];
    const api = {
      webInstances,
      getPerSecond: total.gets / total.getSeconds,
      postPerSecond: total.posts / total.postSeconds,
      ratio: total.posts / total.postSeconds / (total.gets / total.getSeconds),
      postErrors: errors,
      runsStored: Number(queued[0]?.n ?? 0),
    };
    return { api, editor };
  });
}

function latencyAndMemory() {
  return withBenchStack({ outDir, username: "latency" }, async ({ stack, ctx, auth }) => {
    const latency = await measureLatency(ctx, stack.baseUrl, auth, 200);
    latency.startPaths = await measureStartPaths(50);
    await sleep(5000); // let everything go idle
    const processes = ["web", "worker", "beat"] as const;
    const rss = Object.fromEntries(processes.map((p) => [p, treeRssMiB(stack.processes[p]!.pid!)]));
    return { latency, rss };
  });
}

async function main(): Promise<void> {
  loadEnvConfig(process.cwd());
  mkdirSync(outDir, { recursive: true });
  console.log(
    `Runport bench — ${new Date().toISOString()} — ${CONCURRENCY} clients, ${ROUNDS}×${SECONDS}s rounds\n`,
  );
  const spreadsheet = PARTS.has("spreadsheet") ? await measureSpreadsheet(outDir) : null;
  const writers = PARTS.has("writers") ? await measureWriters(outDir) : null;
  const paths = PARTS.has("paths") ? await measurePathChecks() : null;
  const history = PARTS.has("history") ? await measureHistory() : null;
  const lists = PARTS.has("lists") ? await measureLists() : null;
  const form = PARTS.has("form") ? await measureForm(outDir) : null;
  const { api: a, editor } =
    PARTS.has("api") || PARTS.has("editor") ? await throughput() : { api: null, editor: null };
  // The same load on more web processes (a stack each; the editor is measured once).
  const more: NonNullable<Throughput>[] = [];
  if (a)
    for (const n of WEB_INSTANCES.filter((n) => n > 1)) {
      const { api } = await throughput(n, false);
      if (api) more.push(api);
    }
  const { latency, rss } = PARTS.has("latency")
    ? await latencyAndMemory()
    : { latency: null, rss: null };
  const worker =
    PARTS.has("worker") || PARTS.has("tail")
      ? await measureWorker(outDir, PARTS.has("worker"))
      : null;
  const views = PARTS.has("views") ? await measureViews(outDir) : null;
  const operations = PARTS.has("operations") ? await measureOperationsScale() : null;
  const previews = PARTS.has("previews") ? await measurePreviews(outDir) : null;
  const slurm = PARTS.has("slurm") ? await measureSlurm(outDir) : null;
  const rows: string[][] = [];
  if (a) rows.push(...throughputRows([a, ...more]));
  if (latency && rss) {
    rows.push(["(b) submit → process start p50", `${fmt(latency.p50)} ms`, "target ≤ 15 ms"]);
    rows.push(["(b) submit → process start p99", `${fmt(latency.p99)} ms`, "target ≤ 50 ms"]);
    for (const [name, mib] of Object.entries(rss))
      rows.push([`(c) idle RSS ${name}`, `${fmt(mib)} MiB`, ""]);
  }
  if (editor) rows.push(...editorRows(editor));
  if (spreadsheet) rows.push(...spreadsheetRows(spreadsheet));
  if (worker) rows.push(...workerRows(worker));
  if (writers) rows.push(...writerRows(writers));
  if (paths) rows.push(...pathCheckRows(paths));
  if (history) rows.push(...historyRows(history));
  if (views) rows.push(...viewRows(views));
  if (operations) rows.push(...operationsRows(operations));
  if (lists) rows.push(...listRows(lists));
  if (previews) rows.push(...previewRows(previews));
  if (slurm) rows.push(...slurmRows(slurm));
  if (form) rows.push(...formRows(form));
  const width = Math.max(...rows.map((r) => r[0]!.length));
  for (const [name, value, target] of rows)
    console.log(`${name!.padEnd(width)}  ${value!.padStart(12)}  ${target}`);
  for (const t of a ? [a, ...more] : [])
    if (Object.keys(t.postErrors).length > 0)
      console.log(
        `\nPOST answers other than 201, ${t.webInstances} web: ${JSON.stringify(t.postErrors)}`,
      );
  if (latency) {
    console.log(
      `\n(b) from ${latency.samples} sequential runs of hello; min ${fmt(latency.min)} ms, max ${fmt(latency.max)} ms`,
    );
    const { stages } = latency;
    console.log(
      `    medians by stage: request → row built ${fmt(stages.requestToRowBuilt)} ms (web, before its commit), → claim sent ${fmt(stages.rowBuiltToClaimSent)} ms (web commit, job added, queue hop), → exec'd ${fmt(stages.claimSentToExecd)} ms (claim round trip with its commit, then the held command let go; config.json and the hand-over to the launcher overlap the commit)`,
    );
    const paths = latency.startPaths;
    if (paths)
      console.log(
        `    start of one command, ${paths.samples}× each way alternately (bench process): forked by spawn() p50 ${fmt(paths.spawn.p50)} ms, p99 ${fmt(paths.spawn.p99)} ms; exec'd by a waiting launcher p50 ${fmt(paths.launcher.p50)} ms, p99 ${fmt(paths.launcher.p99)} ms`,
      );
  }
  if (editor) {
    console.log(
      `(d) keystroke → markers samples: ${editor.big.keystrokeToMarkersMs.map((n) => fmt(n, 0)).join(", ")} ms`,
    );
    const { stages } = editor.big;
    const stage = (pick: (s: (typeof stages)[number]) => number) =>
      stages.map((s) => fmt(pick(s), 0)).join(", ");
    console.log(
      `    by stage, ms after the keydown: check sent ${stage((s) => s.asked)}; answered ${stage((s) => s.answered)} (in the worker ${stage((s) => s.workerMs)}); edited string alone: ${stages.map((s) => (s.incremental ? "y" : "n")).join(", ")}`,
    );
    console.log(
      `    paste of the whole config → its markers (the whole text checked): ${fmt(editor.big.pasteToMarkersMs, 0)} ms`,
    );
  }
  if (spreadsheet) console.log(spreadsheetDetail(spreadsheet));
  if (worker) console.log(workerDetail(worker));
  if (paths) console.log(pathCheckDetail(paths));
  if (history) console.log(historyDetail(history));
  if (views) console.log(viewDetail(views));
  if (operations) console.log(operationsDetail(operations));
  if (previews) console.log(previewDetail(previews));
  if (slurm) console.log(slurmDetail(slurm));
  if (form) console.log(formDetail(form));
  writeFileSync(
    path.join(outDir, "bench.json"),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        throughput: a,
        throughputMoreWeb: more,
        latency,
        rss,
        editor,
        spreadsheet,
        worker,
        writers,
        paths,
        history,
        views,
        operations,
        previews,
        lists,
        slurm,
        form,
      },
      null,
      2,
    ),
  );
}

/** (a) rows, one column per number of web processes ("1 web | 2 web"). */
function throughputRows(figures: NonNullable<Throughput>[]): string[][] {
  const side = (value: (t: NonNullable<Throughput>) => string) => figures.map(value).join(" | ");
  const label = side((t) => `${t.webInstances} web`);
  const perSecond = (n: number) => fmt(n, 0);
  return [
    [`(a) GET /api/health/live, req/s (${label})`, side((t) => perSecond(t.getPerSecond)), ""],
    [
      `(a) POST /api/v1/runs (Basic auth, validated, stored, queued), req/s (${label})`,
      side((t) => perSecond(t.postPerSecond)),
      "",
    ],
    [`(a) ratio POST / GET (${label})`, side((t) => fmt(t.ratio, 2)), "target ≥ 0.5"],
  ];
}

function editorRows(editor: EditorFigures): string[][] {
  const kib = (n: number) => `${fmt(n / 1024, 0)} KiB`;
  return [
    ["(d) new-run page JS before the editor (gzip)", kib(editor.jsBeforeEditorBytes), ""],
    ["(d) editor JS and workers, loaded after (gzip)", kib(editor.editorBytes), ""],
    ["(d) navigation → editor accepts input", `${fmt(editor.editorReadyMs, 0)} ms`, ""],
    [
      `(d) keystroke → markers, ${fmt(editor.big.documentBytes / 1048576)} MB config, p50`,
      `${fmt(editor.big.p50, 0)} ms`,
      "target ≤ 300 ms",
    ],
    ["(d) keystroke → markers, max", `${fmt(editor.big.max, 0)} ms`, "target ≤ 300 ms"],
  ];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
