import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getTemplate } from "@/app/api/v1/pipelines/[name]/template.xlsx/route";
import { POST as postNewRun } from "@/app/api/v1/new-run/route";
import { POST as postRuns } from "@/app/api/v1/runs/route";
import type { AppContext } from "@/server/context";
import { XLSX_TYPE } from "@/server/http/read-upload";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { countRunsAndJobs, waitForStatus } from "@/test/runs";
import { startWorker, type WorkerHandle } from "@/worker/start-worker";

const example = JSON.parse(
  readFileSync("pipelines/fastq-subsample/example.json", "utf8"),
) as Record<string, unknown> & { input: Record<string, unknown>[] };
/** Reads kept from the bundled data with seed 42 and fraction 0.25 (the unit test proves which). */
const KEPT = [
  ["sample1", 400, 104],
  ["sample2", 300, 76],
];
const SAMPLESHEET_HEADER = "sample,fastq_1,fastq_2,flowcell,lane";

let ctx: AppContext;
let worker: WorkerHandle;
let runsDir: string;
let alice: TestUser;

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-fastq-subsample-"));
  ctx = createTestContext({ runsDir, workerConcurrency: 2 });
  const pipelines = await registerPipelines(ctx);
  alice = await createTestUser(ctx, "submitter");
  worker = startWorker(ctx, pipelines);
});

afterAll(async () => {
  await worker.stop();
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(runsDir, { recursive: true, force: true });
});

const auth = () => ({ Authorization: basicAuth(alice.username, alice.token) });

type Problem = { errors?: { path: string; message: string; cell?: string }[] };

/** Waits for the run and returns its summary, after checking the samplesheet it was given. */
async function succeeded(response: Response) {
  const body = (await response.json()) as { id: string } & Problem;
  expect(response.status, JSON.stringify(body)).toBe(201);
  const run = await waitForStatus(ctx, body.id, ["succeeded", "failed", "error", "cancelled"]);
  expect(run.status).toBe("succeeded");
  const attempt = path.join(runsDir, body.id, "attempt-1");
  const config = JSON.parse(readFileSync(path.join(attempt, "config.json"), "utf8")) as {
    input: string;
  };
  expect(config.input).toBe(path.join(attempt, "input.csv"));
  const csv = readFileSync(config.input, "utf8").split("\n");
  expect(csv[0]).toBe(SAMPLESHEET_HEADER);
  expect(csv[1]).toBe("sample1,data/sample1_R1.fastq.gz,data/sample1_R2.fastq.gz,HRP01AAXX,1");
  const summary = JSON.parse(
    readFileSync(path.join(attempt, "outputs", "subsample.json"), "utf8"),
  ) as { samples: { sample: string; readsIn: number; readsOut: number }[] };
  return summary.samples.map((s) => [s.sample, s.readsIn, s.readsOut]);
}

/** POST /api/v1/runs as alice, the body of the given type (`query`: "?pipeline=..."). */
function post(type: string, body: string | Buffer, query = "") {
  return callRoute(postRuns, {
    method: "POST",
    path: `/api/v1/runs${query}`,
    headers: { ...auth(), "Content-Type": type },
    body,
  });
}

async function multipart(fields: Record<string, string | Blob>) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  const encoded = new Response(form);
  return {
    body: Buffer.from(await encoded.arrayBuffer()),
    type: encoded.headers.get("content-type")!,
  };
}

describe("fastq-subsample, an nf-core-style pipeline, through the API", () => {
  it("runs from the old portal's curl JSON: the rows inline become the samplesheet CSV", async () => {
    const response = await callRoute(postNewRun, {
      method: "POST",
      path: "/api/v1/new-run/",
      headers: { ...auth(), "Content-Type": "application/json" },
      body: JSON.stringify(example),
    });
    expect(await succeeded(response)).toEqual(KEPT);
  });

  it("refuses bad rows with the schema's own messages, storing nothing", async () => {
    const before = await countRunsAndJobs(ctx);
    const input = [
      example.input[0],
      { ...example.input[1], sample: "sample1", flowcell: undefined },
    ];
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: { ...auth(), "Content-Type": "application/json" },
      body: JSON.stringify({
        pipeline: "fastq-subsample@1.0.0",
        config: { ...example, input, fraction: 2 },
      }),
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    expect(problem.errors?.map((e) => [e.path, e.message])).toEqual([
      ["/config/input/1", "must have property flowcell when property lane is present"],
      [
        "/config/input/1",
        'repeats entry 1 (sample: "sample1"); the combination of sample must be unique',
      ],
      [
        "/config/fraction",
        "The fraction must be a number above 0 and at most 1 (0.1 keeps about one read in ten)",
      ],
    ]);
    expect(await countRunsAndJobs(ctx)).toEqual(before);
  });

  it("runs from its template filled in with exceljs; a list sheet holds the samplesheet", async () => {
    const response = await callRoute(getTemplate, {
      path: "/api/v1/pipelines/fastq-subsample/template.xlsx",
      headers: auth(),
      params: { name: "fastq-subsample" },
    });
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["README", "Run", "input", "_runport"]);
    const run = workbook.getWorksheet("Run")!;
    const rowOf = (field: string) => {
      let found = 0;
      run.eachRow((row, n) => {
        if (row.getCell(1).value === field) found = n;
      });
      expect(found, field).toBeGreaterThan(0);
      return run.getRow(found);
    };
    rowOf("project").getCell(2).value = "from-template";
    rowOf("fraction").getCell(2).value = 0.25;
    rowOf("seed").getCell(2).value = 42;
    const sheet = workbook.getWorksheet("input")!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(SAMPLESHEET_HEADER.split(","));
    example.input.forEach((row, r) =>
      headers.forEach((h, c) => {
        sheet.getCell(r + 2, c + 1).value = row[String(h)] as ExcelJS.CellValue;
      }),
    );
    const body = Buffer.from(await workbook.xlsx.writeBuffer());
    const submitted = await post(XLSX_TYPE, body);
    expect(await succeeded(submitted)).toEqual(KEPT);

    // The same sheet with a repeated sample and a lane without its flowcell: cells named.
    sheet.getCell(3, 1).value = "sample1";
    sheet.getCell(3, 4).value = null;
    const bad = await post(XLSX_TYPE, Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as Problem;
    expect(problem.errors?.map((e) => [e.cell, e.message])).toEqual(
      expect.arrayContaining([
        ["input!A3", expect.stringContaining("repeats entry 1") as unknown],
        ["input!A3", expect.stringContaining("flowcell") as unknown],
      ]),
    );
  });

  it("names the cells of bad samplesheet rows in a CSV upload, storing nothing", async () => {
    const before = await countRunsAndJobs(ctx);
    const csv = `${SAMPLESHEET_HEADER}\ns1,data/a.fq,,,\ns1,data/b.txt,,,3\n`;
    const { body, type } = await multipart({
      file: new File([csv], "samples.csv", { type: "text/csv" }),
      pipeline: "fastq-subsample@1.0.0",
    });
    const response = await post(type, body);
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    expect(problem.errors?.map((e) => [e.cell, e.message])).toEqual([
      ["CSV!A3", "must have property flowcell when property lane is present"],
      ["CSV!A3", 'repeats entry 1 (sample: "s1"); the combination of sample must be unique'],
      [
        "CSV!B3",
        "FastQ file for reads 1 must be provided, cannot contain spaces and must end in .fastq, .fq, .fastq.gz or .fq.gz",
      ],
    ]);
    expect(await countRunsAndJobs(ctx)).toEqual(before);
  });

  it("refuses a samplesheet row whose FASTQ is not there, at its cell, storing nothing", async () => {
    const before = await countRunsAndJobs(ctx);
    const csv = `${SAMPLESHEET_HEADER}\ns1,data/sample1_R1.fastq.gz,,,\ns2,data/missing_R1.fastq.gz,,,\n`;
    const { body, type } = await multipart({
      file: new File([csv], "samples.csv", { type: "text/csv" }),
      pipeline: "fastq-subsample@1.0.0",
    });
    const response = await post(type, body);
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    expect(problem.errors?.map((e) => [e.cell, e.message])).toEqual([
      ["CSV!B3", expect.stringMatching(/does not exist/) as string],
    ]);
    expect(await countRunsAndJobs(ctx)).toEqual(before);
  });

  it("refuses a config whose pipeline field (in a $defs group) names another pipeline", async () => {
    const before = await countRunsAndJobs(ctx);
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: { ...auth(), "Content-Type": "application/json" },
      body: JSON.stringify({
        pipeline: "fastq-subsample@1.0.0",
        config: { ...example, pipeline: "fastq-subsample@9.9.9" },
      }),
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    expect(problem.errors?.[0]).toMatchObject({
      path: "/config/pipeline",
      message: expect.stringMatching(/names fastq-subsample@9\.9\.9, but the run is for/) as string,
    });
    expect(await countRunsAndJobs(ctx)).toEqual(before);
  });

  it("runs from a raw TSV body (text/tab-separated-values) with ?pipeline=", async () => {
    const lines = [
      SAMPLESHEET_HEADER.split(",").join("\t"),
      ...example.input.map((r) =>
        [r.sample, r.fastq_1, r.fastq_2, r.flowcell, r.lane].map(String).join("\t"),
      ),
    ];
    const response = await post(
      "text/tab-separated-values",
      `${lines.join("\n")}\n`,
      "?pipeline=fastq-subsample@1.0.0",
    );
    // No config= beside a raw body: the schema's defaults (another fraction) apply.
    const samples = await succeeded(response);
    expect(samples.map(([sample, readsIn]) => [sample, readsIn])).toEqual(
      KEPT.map(([sample, readsIn]) => [sample, readsIn]),
    );
  });

  it.each([
    ["CSV", "samples.csv", ","],
    ["TSV", "samples.tsv", "\t"],
  ])("runs from a %s upload of the samplesheet with the other fields", async (_k, name, sep) => {
    const lines = [
      SAMPLESHEET_HEADER.split(",").join(sep),
      ...example.input.map((r) =>
        [r.sample, r.fastq_1, r.fastq_2, r.flowcell, r.lane].map(String).join(sep),
      ),
    ];
    const { body, type } = await multipart({
      file: new File([`${lines.join("\r\n")}\r\n`], name, { type: "text/plain" }),
      pipeline: "fastq-subsample@1.0.0",
      config: JSON.stringify({ project: "from-csv", fraction: 0.25, seed: 42 }),
    });
    const response = await post(type, body);
    expect(await succeeded(response)).toEqual(KEPT);
  });
});
