import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as previewRoute } from "@/app/api/v1/runs/[id]/outputs/[outputId]/preview/route";
import { GET as rawRoute } from "@/app/api/v1/runs/[id]/outputs/[outputId]/raw/route";
import { GET as listRoute } from "@/app/api/v1/runs/[id]/outputs/route";
import type { OutputList, OutputPreview, OutputView } from "@/lib/contract/outputs";
import type { AppContext } from "@/server/context";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { submit, waitForStatus } from "@/test/runs";
import { startWorker, type WorkerHandle } from "@/worker/start-worker";

/** Rows of big.tsv: ~2.4 MiB, three 1 MiB chunks in MySQL. */
const TSV_ROWS = 50_000;
/**
 * RUNPORT_PREVIEW_FIGURE=1: big.tsv is ~50 MB instead (1.1 million rows), stored whole, and
 * the first page's time is printed: the figure of docs/notes/output-previews.md. Off in CI.
 */
const FIGURE = process.env.RUNPORT_PREVIEW_FIGURE === "1";
const ROWS = FIGURE ? 1_100_000 : TSV_ROWS;

let ctx: AppContext;
let worker: WorkerHandle;
let runsDir: string;
let alice: TestUser;
let bob: TestUser;
let probeRun: string;
let qcRun: string;
let outputs: OutputView[];

const as = (user: TestUser) => ({ Authorization: basicAuth(user.username, user.token) });

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-previews-"));
  ctx = createTestContext({
    runsDir,
    workerConcurrency: 2,
    ...(FIGURE ? { outputStoreMaxBytes: 64 * 2 ** 20, outputStoreRunMaxBytes: 128 * 2 ** 20 } : {}),
  });
  const pipelines = await registerPipelines(ctx);
  [alice, bob] = await Promise.all([
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "submitter"),
  ]);
  worker = startWorker(ctx, pipelines);
  const example = JSON.parse(readFileSync("pipelines/fastq-qc/example.json", "utf8")) as object;
  [probeRun, qcRun] = await Promise.all([
    submit(ctx, alice.principal, "preview-probe", { tsvRows: ROWS }),
    submit(ctx, alice.principal, "fastq-qc@1.0.0", example),
  ]);
  for (const id of [probeRun, qcRun]) {
    const run = await waitForStatus(ctx, id, ["succeeded", "failed", "error", "cancelled"]);
    expect(run.status).toBe("succeeded");
  }
  const response = await callRoute(listRoute, {
    path: `/api/v1/runs/${probeRun}/outputs`,
    headers: as(alice),
    params: { id: probeRun },
  });
  outputs = ((await response.json()) as OutputList).items;
});

afterAll(async () => {
  await worker.stop();
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(runsDir, { recursive: true, force: true });
});

const idOf = (file: string): string => {
  const item = outputs.find((o) => o.path === file);
  if (!item) throw new Error(`${file} is not an output`);
  return String(item.id);
};

function preview(file: string, query = "", user = alice, runId = probeRun, outputId = idOf(file)) {
  return callRoute(previewRoute, {
    path: `/api/v1/runs/${runId}/outputs/${encodeURIComponent(outputId)}/preview${query}`,
    headers: as(user),
    params: { id: runId, outputId },
  });
}

async function previewOk(file: string, query = ""): Promise<OutputPreview> {
  const response = await preview(file, query);
  expect(response.status).toBe(200);
  return (await response.json()) as OutputPreview;
}

function raw(outputId: string, user = alice) {
  return callRoute(rawRoute, {
    path: `/api/v1/runs/${probeRun}/outputs/${encodeURIComponent(outputId)}/raw`,
    headers: as(user),
    params: { id: probeRun, outputId },
  });
}

describe("GET /api/v1/runs/{id}/outputs/{outputId}/preview", () => {
  it("pages a TSV of several chunks: the first page, a page deep inside, and the last", async () => {
    const started = performance.now();
    const first = await previewOk("big.tsv", "?rows=50");
    if (FIGURE) {
      const size = outputs.find((o) => o.path === "big.tsv")?.size ?? 0;
      const ms = performance.now() - started;
      const deepStart = performance.now();
      await previewOk("big.tsv", `?offset=${ROWS - 200}&rows=200`);
      const deep = performance.now() - deepStart;
      console.log(
        `figure: ${size} bytes; first page ${ms.toFixed(0)} ms; last page ${deep.toFixed(0)} ms`,
      );
    }
    expect(first).toMatchObject({ kind: "table", columns: ["id", "sample", "value", "note"] });
    if (first.kind !== "table") throw new Error("not a table");
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]).toEqual(["0", "s0", "0", "some padding text for row 0"]);
    expect(first.nextOffset).toBe(50);
    // Row 40,000 is in the second 1 MiB chunk; a row cut by a chunk boundary is whole.
    const deep = await previewOk("big.tsv", "?offset=40000&rows=3");
    if (deep.kind !== "table") throw new Error("not a table");
    expect(deep.rows.map((r) => r[0])).toEqual(["40000", "40001", "40002"]);
    expect(deep.rows[2]).toEqual([
      "40002",
      `s${40002 % 97}`,
      String((40002 * 31) % 1000),
      "some padding text for row 40002",
    ]);
    const last = await previewOk("big.tsv", `?offset=${ROWS - 2}&rows=10`);
    if (last.kind !== "table") throw new Error("not a table");
    expect(last.rows.map((r) => r[0])).toEqual([String(ROWS - 2), String(ROWS - 1)]);
    expect(last.nextOffset).toBeNull();
  });

  it("parses CSV quoting (commas, doubled quotes, line breaks inside quotes)", async () => {
    const table = await previewOk("data.csv");
    expect(table).toMatchObject({
      kind: "table",
      columns: ["name", "comment"],
      rows: [
        ["Smith, J", 'said "hi"'],
        ["Lee", "two\nlines"],
      ],
      nextOffset: null,
    });
  });

  it("gives text, Markdown (as text: the page renders it), JSON and the inline URLs", async () => {
    expect(await previewOk("run.log")).toMatchObject({
      kind: "text",
      text: "one\ntwo\nthree\n",
      truncated: false,
    });
    const markdown = await previewOk("notes.md");
    expect(markdown).toMatchObject({ kind: "markdown", truncated: false });
    expect(await previewOk("data.json")).toMatchObject({
      kind: "json",
      value: { samples: [{ name: "a", gc: 41.5 }] },
    });
    const html = await previewOk("report.html");
    expect(html).toMatchObject({
      kind: "html",
      src: `/api/v1/runs/${probeRun}/outputs/${idOf("report.html")}/raw`,
      scripts: false,
    });
    expect(await previewOk("blob.bin")).toMatchObject({ kind: "none", size: 4 });
  });

  it("refuses bad paging with a pointer, somebody else's run, and ids that are not ids", async () => {
    const bad = await preview("big.tsv", "?rows=0");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("/rows");
    expect((await preview("big.tsv", "", bob)).status).toBe(403);
    for (const outputId of ["../1", "..%2F..%2Fetc%2Fpasswd", "1/../2", "0", "-1"]) {
      expect((await preview("big.tsv", "", alice, probeRun, outputId)).status).toBe(404);
    }
    // An output of another run (alice's fastq-qc run) is not this run's.
    expect((await preview("big.tsv", "", alice, qcRun)).status).toBe(404);
  });
});

describe("GET /api/v1/runs/{id}/outputs/{outputId}/raw", () => {
  it("serves HTML and SVG sandboxed: opaque origin, nothing fetched, no scripts, framed only by us", async () => {
    for (const [file, type] of [
      ["report.html", "text/html; charset=utf-8"],
      ["pic.svg", "image/svg+xml"],
      ["pixel.png", "image/png"],
    ] as const) {
      const response = await raw(idOf(file));
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(type);
      const policy = response.headers.get("content-security-policy") ?? "";
      expect(policy.split("; ")).toEqual(
        expect.arrayContaining(["sandbox", "default-src 'none'", "frame-ancestors 'self'"]),
      );
      expect(policy).not.toContain("allow-same-origin");
      expect(policy).not.toContain("script-src");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("content-disposition")).toMatch(/^inline; filename=/);
    }
    const html = await (await raw(idOf("report.html"))).text();
    expect(html).toContain('<h1 id="title">Report</h1>');
  });

  it("has no inline view for other kinds, and the same authorization as the download", async () => {
    for (const file of ["big.tsv", "blob.bin", "notes.md"]) {
      expect((await raw(idOf(file))).status).toBe(404);
    }
    expect((await raw(idOf("report.html"), bob)).status).toBe(403);
    expect((await raw("../../1")).status).toBe(404);
  });
});
