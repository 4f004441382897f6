import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postRuns } from "@/app/api/v1/runs/route";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { ODS_TYPE, XLS_TYPE, XLSX_TYPE } from "@/server/http/read-upload";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { countRunsAndJobs } from "@/test/runs";

// Workbooks written by openpyxl and Gnumeric (test/fixtures/workbooks), through the
// real submission route: body by media type, or multipart `file` by its name.

const fixture = (name: string) => readFileSync(`test/fixtures/workbooks/${name}`);
const expected = JSON.parse(
  readFileSync("server/spreadsheets/fixtures/libreoffice-filled.expected.json", "utf8"),
) as Record<string, unknown>;

let ctx: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  alice = await createTestUser(ctx, "submitter");
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

const auth = () => basicAuth(alice.username, alice.token);

async function multipart(file: File) {
  const form = new FormData();
  form.set("file", file);
  const encoded = new Response(form);
  return {
    body: Buffer.from(await encoded.arrayBuffer()),
    type: encoded.headers.get("content-type")!,
  };
}

const FILES: [string, string][] = [
  ["openpyxl-filled.xlsx", XLSX_TYPE],
  ["gnumeric-filled.xlsx", XLSX_TYPE],
  ["gnumeric-filled.ods", ODS_TYPE],
  ["gnumeric-filled.xls", XLS_TYPE],
];

describe("workbooks from openpyxl and Gnumeric on POST /api/v1/runs?dryRun=true", () => {
  it.each(FILES)("%s as the body (%s) gives the typed-in config", async (file, type) => {
    const before = await countRunsAndJobs(ctx);
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs?dryRun=true",
      headers: { Authorization: auth(), "Content-Type": type },
      body: fixture(file),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      valid: true,
      pipeline: "fastq-qc@1.0.0",
      config: expected,
      warnings: [],
    });
    expect(await countRunsAndJobs(ctx)).toEqual(before);
  });

  it.each(FILES)("%s as multipart `file` without a type, known by its name", async (file) => {
    const { body, type } = await multipart(new File([new Uint8Array(fixture(file))], file));
    const response = await callRoute(postRuns, {
      method: "POST",
      path: "/api/v1/runs?dryRun=true",
      headers: { Authorization: auth(), "Content-Type": type },
      body,
    });
    expect(response.status).toBe(200);
  });

  it.each(["gnumeric-mistakes.ods", "gnumeric-mistakes.xls"])(
    "%s: 422 with every mistake at its cell, nothing stored",
    async (file) => {
      const before = await countRunsAndJobs(ctx);
      const { body, type } = await multipart(new File([new Uint8Array(fixture(file))], file));
      const response = await callRoute(postRuns, {
        method: "POST",
        path: "/api/v1/runs",
        headers: { Authorization: auth(), "Content-Type": type },
        body,
      });
      expect(response.status).toBe(422);
      const problem = (await response.json()) as {
        errors?: { cell?: string; path: string; message: string }[];
      };
      expect(problem.errors?.map((e) => [e.cell, e.path])).toEqual([
        ["Run!B7", "/minQuality"],
        ["dataFiles!B2", "/dataFiles/0/fastqCode"],
        ["dataFiles!E3", "/dataFiles/1/rglb"],
        ["dataFiles!C4", "/dataFiles/2/sampleName"],
      ]);
      expect(problem.errors?.[3]?.message).toBe("the cell holds the error #DIV/0!");
      expect(await countRunsAndJobs(ctx)).toEqual(before);
    },
  );
});
