import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getRunRoute } from "@/app/api/v1/runs/[id]/route";
import { POST as postNewRun } from "@/app/api/v1/new-run/route";
import { POST as postRetry } from "@/app/api/v1/runs/[id]/retry/route";
import { POST as postRuns } from "@/app/api/v1/runs/route";
import { runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { UNDECLARED_MESSAGE } from "@/lib/schema/check-config";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { countRunsAndJobs, waitForStatus } from "@/test/runs";
import { startWorker, type WorkerHandle } from "@/worker/start-worker";

// A document as the old portal's tooling writes it: every field its users send, plus some
// fastq-qc does not declare (dnaAlignmentStyle, patCode, and rgks in each data file).
const documentText = readFileSync("test/fixtures/old-portal/fastq-qc-full.json", "utf8");
const oldDocument = JSON.parse(documentText) as Record<string, unknown> & {
  dataFiles: Record<string, unknown>[];
};
const example = JSON.parse(readFileSync("pipelines/fastq-qc/example.json", "utf8")) as Record<
  string,
  unknown
>;

let ctx: AppContext;
let worker: WorkerHandle;
let alice: TestUser;
let runsDir: string;

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-runs-"));
  ctx = createTestContext({ runsDir, workerConcurrency: 2, workerDrainSeconds: 2 });
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

type Item = { path: string; message: string; line?: number; column?: number; cell?: string };

/** The old portal's curl: `--header "Content-type: application/json" -d @file`. */
function post(
  handler: typeof postNewRun,
  pathname: string,
  body: string | Buffer,
  contentType = "application/json",
) {
  return callRoute(handler, {
    method: "POST",
    path: pathname,
    headers: {
      Authorization: basicAuth(alice.username, alice.password),
      "Content-type": contentType,
    },
    body,
  });
}

describe("a full old-portal document on POST /api/v1/new-run/", () => {
  it("runs, with a warning for each undeclared field and the right numbers", async () => {
    const response = await post(postNewRun, "/api/v1/new-run/", documentText);
    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: string; name: string; warnings: Item[] };
    expect(created.name).toBe("demo-old-portal");
    expect(created.warnings.map((w) => w.path)).toEqual([
      "/dataFiles/0/rgks",
      "/dataFiles/1/rgks",
      "/dataFiles/2/rgks",
      "/dataFiles/3/rgks",
      "/dnaAlignmentStyle",
      "/patCode",
    ]);
    for (const warning of created.warnings) {
      expect(warning.message).toBe(UNDECLARED_MESSAGE);
      // Line and column of the key itself, as for errors.
      const line = documentText.split("\n")[warning.line! - 1]!;
      const key = warning.path.split("/").at(-1)!;
      expect(line.slice(warning.column! - 1)).toMatch(new RegExp(`^"${key}"`));
    }

    const run = await waitForStatus(ctx, created.id, ["succeeded", "failed", "error"]);
    expect(run).toMatchObject({ status: "succeeded", exitCode: 0 });
    // Stored with the run and shown again by GET /runs/{id}.
    const again = await callRoute(getRunRoute, {
      path: `/api/v1/runs/${created.id}`,
      headers: { Authorization: basicAuth(alice.username, alice.password) },
      params: { id: created.id },
    });
    expect(((await again.json()) as { warnings: Item[] }).warnings).toEqual(created.warnings);
    const report = JSON.parse(
      readFileSync(path.join(runsDir, created.id, "attempt-1", "outputs", "qc.json"), "utf8"),
    ) as { totals: { reads: number; files: number; samples: number } };
    expect(report.totals).toMatchObject({ reads: 1400, files: 4, samples: 2 });

    // A retry checks the stored config again and keeps its warnings (under /config, as its errors).
    const retried = await callRoute(postRetry, {
      method: "POST",
      path: `/api/v1/runs/${created.id}/retry`,
      headers: { Authorization: basicAuth(alice.username, alice.password) },
      params: { id: created.id },
    });
    expect(retried.status).toBe(201);
    const retry = (await retried.json()) as { id: string; warnings: Item[] };
    // (In the schema's order: a retry has no submitted text to sort them by.)
    expect(retry.warnings.map((w) => w.path).sort()).toEqual(
      created.warnings.map((w) => `/config${w.path}`).sort(),
    );
    await waitForStatus(ctx, retry.id, ["succeeded", "failed", "error"]);
  }, 60_000);

  it("stores a run whose undeclared field's name holds a lone surrogate (found by the fuzzer: 500)", async () => {
    // Valid JSON text (an escape), kept as sent in the config; MariaDB's JSON check on the
    // stored warnings refused it, and the submission answered 500.
    const text = documentText.replace(/\}\s*$/, ', "odd\\ud800": null}');
    const response = await post(postNewRun, "/api/v1/new-run/", text);
    expect(response.status).toBe(201);
    const run = (await response.json()) as { warnings: Item[] };
    expect(run.warnings).toContainEqual(
      expect.objectContaining({
        path: "/odd\ufffd",
        message: expect.stringMatching(/^is not declared/) as string,
      }),
    );
  });

  it("refuses a likely typo of a declared field with 'did you mean', and stores nothing", async () => {
    const before = await countRunsAndJobs(ctx);
    const text = documentText.replace('"fastqCode"', '"fastqcode"');
    const response = await post(postNewRun, "/api/v1/new-run/", text);
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: Item[] };
    // In document order: the entry that misses fastqCode, then the key that looks like it.
    expect(problem.errors).toEqual([
      expect.objectContaining({ path: "/dataFiles/0/fastqCode", message: "is required" }),
      expect.objectContaining({
        path: "/dataFiles/0/fastqcode",
        message: 'is not an allowed property; did you mean "fastqCode"?',
      }),
    ]);
    expect(await countRunsAndJobs(ctx)).toEqual(before);
  });

  it("validates the declared old-portal fields: a wrong glType is a 422 at its pointer", async () => {
    const doc = structuredClone(oldDocument);
    doc.dataFiles[2]!.glType = "Genomic";
    const response = await post(postNewRun, "/api/v1/new-run/?dryRun=true", JSON.stringify(doc));
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as { errors: Item[] };
    expect(errors.map((e) => e.path)).toEqual(["/dataFiles/2/glType"]);
  });
});

describe("unknownProperties per pipeline", () => {
  it("reject: every undeclared property is an error", async () => {
    const body = JSON.stringify({ pipeline: "strict-props", config: { name: "x", extra: 1 } });
    const response = await post(postRuns, "/api/v1/runs?dryRun=true", body);
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as { errors: Item[] };
    expect(errors).toEqual([
      expect.objectContaining({
        path: "/config/extra",
        line: 1,
        column: body.indexOf('"extra"') + 1,
      }),
    ]);
    expect(errors[0]!.message).toMatch(/^is not an allowed property/);
  });

  it("ignore: undeclared properties and typos pass without a word", async () => {
    const body = JSON.stringify({ pipeline: "lax-props", config: { name: "x", nmae: "y" } });
    const response = await post(postRuns, "/api/v1/runs?dryRun=true", body);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { warnings: Item[] }).warnings).toEqual([]);
  });

  it("warn (the default): the dry run lists the warnings under /config", async () => {
    const config = { ...example, flowcellSide: "A" };
    const body = JSON.stringify({ pipeline: "fastq-qc", config });
    const response = await post(postRuns, "/api/v1/runs?dryRun=true", body);
    expect(response.status).toBe(200);
    const { warnings } = (await response.json()) as { warnings: Item[] };
    expect(warnings).toEqual([
      expect.objectContaining({ path: "/config/flowcellSide", message: UNDECLARED_MESSAGE }),
    ]);
  });
});

describe("the envelope's pipeline and the config's pipeline field", () => {
  const { pipeline: _, ...withoutPipeline } = example;

  it("fills a missing config.pipeline from the /runs envelope (the version that runs)", async () => {
    const body = JSON.stringify({ pipeline: "fastq-qc@latest", config: withoutPipeline });
    const response = await post(postRuns, "/api/v1/runs", body);
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const [row] = await ctx.db.select().from(runs).where(eq(runs.publicId, id));
    expect(JSON.parse(row!.config)).toEqual({ pipeline: "fastq-qc@1.0.0", ...withoutPipeline });
  });

  it("keeps a config.pipeline that resolves to the same version", async () => {
    const config = { ...withoutPipeline, pipeline: "fastq-qc@latest" };
    const body = JSON.stringify({ pipeline: "fastq-qc@1.0.0", config });
    const response = await post(postRuns, "/api/v1/runs?dryRun=true", body);
    expect(response.status).toBe(200);
  });

  it("refuses a config.pipeline that names another version, at /config/pipeline", async () => {
    const before = await countRunsAndJobs(ctx);
    const config = { ...withoutPipeline, pipeline: "fastq-qc@9.9.9" };
    const body = JSON.stringify({ pipeline: "fastq-qc@1.0.0", config });
    const response = await post(postRuns, "/api/v1/runs", body);
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as { errors: Item[] };
    expect(errors.map((e) => e.path)).toEqual(["/config/pipeline"]);
    expect(errors[0]!.message).toContain("names fastq-qc@9.9.9, but the run is for fastq-qc@1.0.0");
    expect(await countRunsAndJobs(ctx)).toEqual(before);
  });
});

describe("the README's CSV upload: -F file=@samples.csv -F pipeline=... -F 'config={...}'", () => {
  const csv = readFileSync("server/spreadsheets/fixtures/libreoffice-samples.csv");

  async function upload(fields: Record<string, string>) {
    const form = new FormData();
    form.set("file", new File([new Uint8Array(csv)], "samples.csv", { type: "text/csv" }));
    for (const [key, value] of Object.entries(fields)) form.set(key, value);
    const encoded = new Response(form);
    const type = encoded.headers.get("content-type")!;
    return post(postRuns, "/api/v1/runs", Buffer.from(await encoded.arrayBuffer()), type);
  }

  it("runs without a pipeline in the config: the upload's pipeline fills it", async () => {
    const config = JSON.stringify({ project: "csv-demo", study: "S1", email: "a@example.org" });
    const response = await upload({ pipeline: "fastq-qc@1.0.0", config });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const [row] = await ctx.db.select().from(runs).where(eq(runs.publicId, id));
    expect(JSON.parse(row!.config)).toMatchObject({ pipeline: "fastq-qc@1.0.0" });
  });

  it("warns about an undeclared field of config= on the dry run, with a sheet and cell", async () => {
    const config = JSON.stringify({
      project: "csv-demo",
      study: "S1",
      email: "a@example.org",
      patCode: "DEMO_0001",
    });
    const form = new FormData();
    form.set("file", new File([new Uint8Array(csv)], "samples.csv", { type: "text/csv" }));
    form.set("pipeline", "fastq-qc@1.0.0");
    form.set("config", config);
    const encoded = new Response(form);
    const response = await post(
      postRuns,
      "/api/v1/runs?dryRun=true",
      Buffer.from(await encoded.arrayBuffer()),
      encoded.headers.get("content-type")!,
    );
    expect(response.status).toBe(200);
    const { warnings } = (await response.json()) as { warnings: Item[] };
    expect(warnings).toEqual([
      expect.objectContaining({ path: "/patCode", message: UNDECLARED_MESSAGE }),
    ]);
    expect(warnings[0]!.cell).toMatch(/!/);
  });

  it("refuses a config that names another pipeline than the upload", async () => {
    const config = JSON.stringify({
      pipeline: "hello",
      project: "csv-demo",
      study: "S1",
      email: "a@example.org",
    });
    const response = await upload({ pipeline: "fastq-qc@1.0.0", config });
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as { errors: Item[] };
    // One sentence for the field: the conflict, not also the schema's pattern.
    expect(errors.filter((e) => e.path === "/pipeline")).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^names hello, but the run is for fastq-qc@1.0.0/) as string,
        cell: "Run!A2",
      }),
    ]);
  });
});
