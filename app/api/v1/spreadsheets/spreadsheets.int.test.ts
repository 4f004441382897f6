import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getTemplate } from "@/app/api/v1/pipelines/[name]/template.xlsx/route";
import { POST as postNewRun } from "@/app/api/v1/new-run/route";
import { POST as postRuns } from "@/app/api/v1/runs/route";
import { POST as postConvert } from "@/app/api/v1/spreadsheets/convert/route";
import ExcelJS from "exceljs";
import { runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { XLSX_TYPE } from "@/server/http/read-upload";
import { readXlsx } from "@/server/spreadsheets/read-workbook";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { countRunsAndJobs } from "@/test/runs";

const fixture = (name: string) => readFileSync(`server/spreadsheets/fixtures/${name}`);
const filled = fixture("libreoffice-filled.xlsx");
const expected = JSON.parse(
  readFileSync("server/spreadsheets/fixtures/libreoffice-filled.expected.json", "utf8"),
) as Record<string, unknown>;

let ctx: AppContext;
let alice: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  alice = await createTestUser(ctx, "submitter");
  viewer = await createTestUser(ctx, "viewer");
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

const counts = () => countRunsAndJobs(ctx);

const auth = (user: TestUser) => basicAuth(user.username, user.token);

/** A multipart body as a browser or `curl -F` sends it. */
async function multipart(fields: Record<string, string | Blob>) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  const encoded = new Response(form);
  return {
    body: Buffer.from(await encoded.arrayBuffer()),
    type: encoded.headers.get("content-type")!,
  };
}

type Problem = {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string; sheet?: string; cell?: string }[];
};

describe("GET /api/v1/pipelines/{name}/template.xlsx", () => {
  it("serves the version's template as an attachment naming pipeline@version", async () => {
    const response = await callRoute(getTemplate, {
      path: "/api/v1/pipelines/fastq-qc/template.xlsx?version=1.0.0",
      headers: { Authorization: auth(alice) },
      params: { name: "fastq-qc" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(XLSX_TYPE);
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="fastq-qc-1.0.0-template.xlsx"',
    );
    const data = await readXlsx(Buffer.from(await response.arrayBuffer()));
    expect(data.pipeline).toBe("fastq-qc@1.0.0");
    expect(data.sheets.map((s) => s.name)).toEqual(["README", "Run", "dataFiles"]);
  });

  it("answers 404 for an unknown pipeline and 401 without credentials", async () => {
    const unknown = await callRoute(getTemplate, {
      path: "/api/v1/pipelines/nope/template.xlsx",
      headers: { Authorization: auth(alice) },
      params: { name: "nope" },
    });
    expect(unknown.status).toBe(404);
    const anonymous = await callRoute(getTemplate, {
      path: "/api/v1/pipelines/fastq-qc/template.xlsx",
      params: { name: "fastq-qc" },
    });
    expect(anonymous.status).toBe(401);
  });
});

describe("submitting a spreadsheet", () => {
  it("creates a run from an .xlsx body saved by LibreOffice, with the converted config", async () => {
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: { Authorization: auth(alice), "Content-Type": XLSX_TYPE },
      body: filled,
    });
    expect(response.status).toBe(201);
    const run = (await response.json()) as { id: string; name: string; pipeline: string };
    expect(run).toMatchObject({ name: "demo-qc", pipeline: "fastq-qc@1.0.0" });
    const [row] = await ctx.db.select().from(runs).where(eq(runs.publicId, run.id));
    expect(row?.trigger).toBe("workbook");
    expect(JSON.parse(row!.config)).toEqual(expected);
  });

  it("takes multipart `file` on the old portal's route, and replays an Idempotency-Key", async () => {
    const { body, type } = await multipart({
      file: new File([new Uint8Array(filled)], "samples.xlsx", { type: XLSX_TYPE }),
    });
    const send = () =>
      callRoute(postNewRun, {
        method: "POST",
        path: "/api/v1/new-run/",
        headers: { Authorization: auth(alice), "Content-Type": type, "Idempotency-Key": "wb-1" },
        body,
      });
    const first = await send();
    expect(first.status).toBe(201);
    const before = await counts();
    const again = await send();
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(
      ((await first.json()) as { id: string }).id,
    );
    expect(await counts()).toEqual(before);
  });

  it("accepts a CSV of the samples with the pipeline and the other fields", async () => {
    const before = await counts();
    const { project, study, email, description, minQuality, pipeline } = expected;
    const { body, type } = await multipart({
      file: new File([new Uint8Array(fixture("libreoffice-samples.csv"))], "samples.csv", {
        type: "text/csv",
      }),
      pipeline: "fastq-qc@1.0.0",
      config: JSON.stringify({ pipeline, project, study, email, description, minQuality }),
    });
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs?dryRun=true",
      headers: { Authorization: auth(alice), "Content-Type": type },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      valid: true,
      pipeline: "fastq-qc@1.0.0",
      config: expected,
      warnings: [],
    });
    expect(await counts()).toEqual(before);
  });

  it("points to the exact cell of every mistake and changes nothing", async () => {
    const before = await counts();
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: { Authorization: auth(alice), "Content-Type": XLSX_TYPE },
      body: fixture("libreoffice-mistakes.xlsx"),
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    expect(problem.detail).toBe("The spreadsheet for fastq-qc@1.0.0 has 5 problems");
    expect(problem.errors?.map((e) => [e.cell, e.path])).toEqual([
      ["Run!B5", "/email"],
      ["Run!B7", "/minQuality"],
      ["dataFiles!B2", "/dataFiles/0/fastqCode"],
      ["dataFiles!E3", "/dataFiles/1/rglb"],
      ["dataFiles!C4", "/dataFiles/2/sampleName"],
    ]);
    expect(problem.errors?.[1]?.message).toBe('expected a whole number, got "high"');
    expect(problem.errors?.[4]?.message).toBe("the cell holds the error #DIV/0!");
    expect(await counts()).toEqual(before);
  });

  it("lists the first 1000 problems of a sheet of thousands, counting them all", async () => {
    const before = await counts();
    // 3000 rows, each with two numbers that are not numbers: 6000 problems at their cells
    // (and the three required fields a CSV of samples alone lacks).
    const [header, row] = readFileSync(
      "server/spreadsheets/fixtures/libreoffice-samples.csv",
      "utf8",
    ).split(/\r?\n/);
    const bad = `${row},many,long`;
    const csv = [`${header},numberOfReads,read1Length`, ...Array<string>(3000).fill(bad)].join(
      "\n",
    );
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs?pipeline=fastq-qc@1.0.0",
      headers: { Authorization: auth(alice), "Content-Type": "text/csv" },
      body: Buffer.from(csv),
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    expect(problem.detail).toBe(
      "The spreadsheet for fastq-qc@1.0.0 has 6003 problems (the first 1000 are listed)",
    );
    expect(problem.errors).toHaveLength(1000);
    expect(problem.errors?.slice(3, 5).map((e) => e.cell)).toEqual(["CSV!H2", "CSV!I2"]);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["a text file sent as .xlsx", Buffer.from("project,study\nx,y\n"), XLSX_TYPE, 422, "not a ZIP"],
    ["a workbook cut short", filled.subarray(0, 5000), XLSX_TYPE, 422, "broken ZIP"],
    ["a CSV without a pipeline", fixture("libreoffice-samples.csv"), "text/csv", 422, "pipeline"],
  ])("refuses %s with a clear message and changes nothing", async (_, body, type, status, text) => {
    const before = await counts();
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: { Authorization: auth(alice), "Content-Type": type },
      body,
    });
    expect(response.status).toBe(status);
    expect(((await response.json()) as Problem).detail).toContain(text);
    expect(await counts()).toEqual(before);
  });

  it("refuses a workbook over the body limit (413), a form without a file (400), a viewer (403)", async () => {
    const before = await counts();
    const big = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: { Authorization: auth(alice), "Content-Type": XLSX_TYPE },
      body: Buffer.alloc(ctx.config.maxBodyBytes + 1),
    });
    expect(big.status).toBe(413);
    const noFile = await multipart({ pipeline: "fastq-qc@1.0.0" });
    const form = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: { Authorization: auth(alice), "Content-Type": noFile.type },
      body: noFile.body,
    });
    expect(form.status).toBe(400);
    const denied = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: { Authorization: auth(viewer), "Content-Type": XLSX_TYPE },
      body: filled,
    });
    expect(denied.status).toBe(403);
    expect(await counts()).toEqual(before);
  });
});

describe("hostile uploads", () => {
  it("refuses a tiny workbook that uses row 1,048,576 before building any grid", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("dataFiles");
    sheet.getCell("A1").value = "fastqPath";
    sheet.getCell("A1048576").value = "far away";
    const body = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(body.length).toBeLessThan(20_000);
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs?pipeline=fastq-qc@1.0.0",
      headers: { Authorization: auth(alice), "Content-Type": XLSX_TYPE },
      body,
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as Problem).detail).toContain("uses rows up to 1048576");
  });

  it("does not let a __proto__ key in `config` stand in for required fields", async () => {
    const { body, type } = await multipart({
      file: new File([new Uint8Array(fixture("libreoffice-samples.csv"))], "samples.csv"),
      pipeline: "fastq-qc@1.0.0",
      config:
        '{"__proto__": {"pipeline": "fastq-qc@1.0.0", "project": "p", "study": "s", "email": "a@b.org"}}',
    });
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs?dryRun=true",
      headers: { Authorization: auth(alice), "Content-Type": type },
      body,
    });
    expect(response.status).toBe(422);
    const paths = ((await response.json()) as Problem).errors?.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["/project", "/study", "/email"]));
  });

  // Found by the fuzzer (scripts/fuzz): JSON.stringify of the merged config overflowed the stack.
  it("refuses a `config` field nested deeper than JSON may be (400, not 500), storing nothing", async () => {
    const depth = 100_000;
    const before = await counts();
    for (const [handler, path] of [
      [postRuns, "/api/v1/runs"],
      [postConvert, "/api/v1/spreadsheets/convert"],
    ] as const) {
      const { body, type } = await multipart({
        file: new File([new Uint8Array(fixture("libreoffice-samples.csv"))], "samples.csv"),
        pipeline: "fastq-qc@1.0.0",
        config: `{"description":${"[".repeat(depth)}${"]".repeat(depth)}}`,
      });
      const response = await callRoute(handler, {
        method: "POST",
        path,
        headers: { Authorization: auth(alice), "Content-Type": type },
        body,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as Problem).detail).toMatch(
        /"config" form field .*deeper than 64 levels/,
      );
    }
    expect(await counts()).toEqual(before);
  });

  it("refuses a run name over 255 characters (400) and a CSV for a pipeline without a list (422)", async () => {
    const long = await multipart({
      file: new File([new Uint8Array(filled)], "f.xlsx", { type: XLSX_TYPE }),
      name: "x".repeat(256),
    });
    const tooLong = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs",
      headers: { Authorization: auth(alice), "Content-Type": long.type },
      body: long.body,
    });
    expect(tooLong.status).toBe(400);
    const csv = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs?pipeline=hello@1.0.0",
      headers: { Authorization: auth(alice), "Content-Type": "text/csv" },
      body: "name\nworld\n",
    });
    expect(csv.status).toBe(422);
    expect(((await csv.json()) as Problem).detail).toContain("use the .xlsx template");
  });
});

describe("POST /api/v1/spreadsheets/convert", () => {
  it("returns what the workbook became and its problems, storing nothing", async () => {
    const before = await counts();
    const { body, type } = await multipart({
      file: new File([new Uint8Array(fixture("libreoffice-mistakes.xlsx"))], "mistakes.xlsx"),
    });
    const response = await callRoute(postConvert, {
      method: "POST",
      path: "/api/v1/spreadsheets/convert",
      headers: { Authorization: auth(alice), "Content-Type": type },
      body,
    });
    expect(response.status).toBe(200);
    const converted = (await response.json()) as {
      pipeline: string;
      config: { project: string; dataFiles: unknown[] };
      problems: { cell: string }[];
    };
    expect(converted.pipeline).toBe("fastq-qc@1.0.0");
    expect(converted.config.project).toBe("demo-qc");
    expect(converted.config.dataFiles).toHaveLength(3);
    expect(converted.problems.map((p) => p.cell)).toContain("dataFiles!B2");
    expect(converted).toMatchObject({ problemCount: 5 });
    expect(await counts()).toEqual(before);
  });
});
