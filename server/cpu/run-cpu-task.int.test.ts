// The CPU pool with the web's real tasks: a large CSV, an .xlsx and large JSON submissions
// give the same answers on a thread as inline (CPU_POOL_SIZE=0), errors included.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { pipelines } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { runCpuTask } from "@/server/cpu/run-cpu-task";
import { toProblem } from "@/server/errors";
import { checkPipelinePaths } from "@/server/pipelines/check-pipeline-paths";
import { submitRun, type SubmitRunOptions } from "@/server/runs/submit-run";
import { getTemplate } from "@/server/spreadsheets/get-template";
import {
  parseSpreadsheetOffThread,
  prepareSpreadsheetRunOffThread,
} from "@/server/spreadsheets/parse-spreadsheet-off-thread";
import type { ParseSpreadsheetOptions } from "@/server/spreadsheets/parse-spreadsheet";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";

let pooled: AppContext;
let inline: AppContext;
let alice: TestUser;

const example = JSON.parse(readFileSync("pipelines/fastq-qc/example.json", "utf8")) as {
  dataFiles: Record<string, string>[];
} & Record<string, unknown>;

beforeAll(async () => {
  pooled = createTestContext({ cpuPoolSize: 1 });
  inline = createTestContext({ cpuPoolSize: 0 });
  await registerPipelines(pooled);
  alice = await createTestUser(pooled, "submitter");
});

afterAll(async () => {
  await pooled.queue.obliterate({ force: true });
  await Promise.all([pooled.close(), inline.close()]);
});

/** The value, or the problem document of the error. */
const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ problem: toProblem(error) }),
  );

/** Both ways: the value, or the problem document of the error. */
async function bothWays<T>(fn: (ctx: AppContext) => Promise<T>) {
  const threadsBefore = pooled.cpu.load.threads;
  const [onThread, onLoop] = [await settle(fn(pooled)), await settle(fn(inline))];
  expect(inline.cpu.available).toBe(false);
  expect(pooled.cpu.load.threads, "a thread ran it").toBeGreaterThanOrEqual(
    Math.max(1, threadsBefore),
  );
  return { onThread, onLoop };
}

function samplesCsv(rows: number, withProblems = true): Buffer {
  const columns = Object.keys(example.dataFiles[0]!);
  const lines = [columns.join(",")];
  for (let i = 0; i < rows; i++) {
    const item: Record<string, string> = {
      ...example.dataFiles[i % example.dataFiles.length]!,
      sampleName: `s${i}`,
    };
    if (withProblems && i % 5000 === 17) item.fastqCode = "R3"; // a few problems, each at its cell
    lines.push(columns.map((c) => item[c] ?? "").join(","));
  }
  return Buffer.from(lines.join("\n"));
}

describe("CPU tasks on a thread and inline", () => {
  it("read a 20,000-row CSV to the same config and the same problems", async () => {
    const { dataFiles: _, pipeline: __, ...base } = example;
    const csv = samplesCsv(20_000);
    // Each way gets bytes of its own: on a thread they move there (the caller's are emptied).
    const options = (): ParseSpreadsheetOptions => ({
      body: Buffer.from(csv),
      kind: "csv",
      pipeline: "fastq-qc@1.0.0",
      base,
    });
    const moved = options();
    const { onThread, onLoop } = await bothWays((ctx) =>
      parseSpreadsheetOffThread(ctx, ctx === pooled ? moved : options()),
    );
    expect(moved.body.byteLength, "the bytes moved to the thread, not copied").toBe(0);
    expect(onThread).toEqual(onLoop);
    if (!("value" in onThread)) throw new Error("the CSV was refused");
    const parsed = onThread.value;
    expect(parsed.config.dataFiles).toHaveLength(20_000);
    expect(parsed.problems).toContainEqual(
      expect.objectContaining({ sheet: "CSV", cell: "CSV!B19", path: "/dataFiles/17/fastqCode" }),
    );
  });

  it("read a workbook (the example template) to the same config", async () => {
    // Built on a thread too (exceljs holds the loop 100-300 ms a template).
    const { body } = await getTemplate(pooled, { name: "fastq-qc", example: true });
    const { onThread, onLoop } = await bothWays((ctx) =>
      parseSpreadsheetOffThread(ctx, { body: Buffer.from(body), kind: "xlsx" }),
    );
    expect(onThread).toEqual(onLoop);
    expect(onThread).toMatchObject({ value: { problems: [] } });
  });

  it("refuse an unreadable workbook and an unknown pipeline alike", async () => {
    const junk = () => ({ body: Buffer.from("PK\u0003\u0004 not a zip"), kind: "xlsx" as const });
    const unreadable = await bothWays((ctx) => parseSpreadsheetOffThread(ctx, junk()));
    expect(unreadable.onThread).toEqual(unreadable.onLoop);
    expect(unreadable.onThread).toMatchObject({ problem: { problem: { status: 422 } } });
    const csv = () => ({
      body: samplesCsv(2000),
      kind: "csv" as const,
      pipeline: "no-such-pipeline",
    });
    const unknown = await bothWays((ctx) => parseSpreadsheetOffThread(ctx, csv()));
    expect(unknown.onThread).toEqual(unknown.onLoop);
    expect(unknown.onThread).toMatchObject({ problem: { problem: { code: "UNKNOWN_PIPELINE" } } });
  });

  it("prepare a spreadsheet run the same way: name, text and the request hash of before", async () => {
    const { dataFiles: _, pipeline: __, ...base } = example;
    const csv = samplesCsv(3000, false);
    const prepare = (ctx: AppContext) =>
      prepareSpreadsheetRunOffThread(ctx, {
        body: Buffer.from(csv),
        kind: "csv",
        pipeline: "fastq-qc@1.0.0",
        base,
        dryRun: false,
      });
    const { onThread, onLoop } = await bothWays(prepare);
    expect(onThread).toEqual(onLoop);
    if (!("value" in onThread)) throw new Error("the CSV was refused");
    const prepared = onThread.value;
    expect(prepared.problems).toHaveLength(0);
    expect(prepared.config, "only a dry run copies the config back").toBeNull();
    const text = JSON.parse(prepared.configText ?? "null") as { dataFiles: unknown[] };
    expect(text.dataFiles).toHaveLength(3000);
    expect(prepared.name).toBe(base.project);
    // Idempotency keys stored before this change still replay: the hash is the same.
    const hash = createHash("sha256")
      .update(`csv\0fastq-qc@1.0.0\0${String(base.project)}\0${JSON.stringify(base)}\0`)
      .update(csv)
      .digest("hex");
    expect(prepared.requestHash).toBe(hash);
  });

  const submit = (bodyText: string, dryRun: boolean) => (ctx: AppContext) =>
    submitRun(ctx, {
      principal: alice.principal,
      body: bodyText,
      format: "legacy",
      trigger: "legacy_api",
      dryRun,
    } satisfies SubmitRunOptions);

  it("check a large JSON submission with the same problems, lines and columns", async () => {
    const items = Array.from({ length: 2000 }, (_, i) => ({
      ...example.dataFiles[0]!,
      sampleName: `s${i}`,
      ...(i === 1500 ? { fastqCode: "R3" } : {}),
    }));
    const text = JSON.stringify({ ...example, dataFiles: items }, null, 2);
    expect(text.length).toBeGreaterThan(32 * 1024);
    const { onThread, onLoop } = await bothWays(submit(text, true));
    expect(onThread).toEqual(onLoop);
    expect(onThread).toMatchObject({
      problem: {
        problem: {
          status: 422,
          errors: [{ path: "/dataFiles/1500/fastqCode", line: expect.any(Number) as number }],
        },
      },
    });
    // Between two items (inside a string, ",," would be a valid, other value).
    const at = text.indexOf("},", 40_000) + 1;
    const broken = `${text.slice(0, at)},,${text.slice(at)}`;
    const syntax = await bothWays(submit(broken, true));
    expect(syntax.onThread).toEqual(syntax.onLoop);
    expect(syntax.onThread).toMatchObject({ problem: { problem: { code: "INVALID_JSON" } } });
  });

  it("check the files a large JSON submission names on the thread too, with the same answer", async () => {
    const items = Array.from({ length: 2000 }, (_, i) => ({
      ...example.dataFiles[0]!,
      sampleName: `s${i}`,
      ...(i === 1500 ? { fastqPath: "/etc/reads_R1.fastq.gz" } : {}),
    }));
    const text = JSON.stringify({ ...example, dataFiles: items }, null, 2);
    const { onThread, onLoop } = await bothWays(submit(text, true));
    expect(onThread).toEqual(onLoop);
    expect(onThread).toMatchObject({
      problem: {
        problem: {
          status: 422,
          errors: [
            {
              path: "/dataFiles/1500/fastqPath",
              message: expect.stringContaining("outside the data folders") as string,
            },
          ],
        },
      },
    });
  });

  it("check the files of a large config for the editor (check-paths) the same way", async () => {
    const items = Array.from({ length: 2000 }, (_, i) => ({
      ...example.dataFiles[0]!,
      sampleName: `s${i}`,
      ...(i === 7 ? { fastqPath: "data/missing_R1.fastq.gz" } : {}),
    }));
    const text = JSON.stringify({ ...example, dataFiles: items }, null, 2);
    const { onThread, onLoop } = await bothWays((ctx) =>
      checkPipelinePaths(ctx, { principal: alice.principal, name: "fastq-qc", text }),
    );
    expect(onThread).toEqual(onLoop);
    expect(onThread).toMatchObject({
      value: {
        pipeline: "fastq-qc@1.0.0",
        problems: [{ path: "/dataFiles/7/fastqPath", message: "does not exist" }],
      },
    });
  });

  it("check a stored config again for a retry the same way: warnings, and files gone since", async () => {
    const [pipeline] = await pooled.db
      .select()
      .from(pipelines)
      .where(and(eq(pipelines.name, "fastq-qc"), eq(pipelines.version, "1.0.0")));
    const items = (missing: boolean) =>
      Array.from({ length: 2000 }, (_, i) => ({
        ...example.dataFiles[0]!,
        sampleName: `s${i}`,
        ...(missing && i === 9 ? { fastqPath: "data/gone_R1.fastq.gz" } : {}),
      }));
    const stored = (missing: boolean) =>
      JSON.stringify({ ...example, dataFiles: items(missing), patCode: "P1" });
    const check = (configText: string) => (ctx: AppContext) =>
      runCpuTask(
        ctx,
        "checkStoredConfig",
        { pipeline: pipeline!, configText },
        { offThread: true },
      );
    const fine = await bothWays(check(stored(false)));
    expect(fine.onThread).toEqual(fine.onLoop);
    expect(fine.onThread).toMatchObject({
      value: [
        { path: "/config/patCode", message: expect.stringMatching(/^is not declared/) as string },
      ],
    });
    const gone = await bothWays(check(stored(true)));
    expect(gone.onThread).toEqual(gone.onLoop);
    expect(gone.onThread).toMatchObject({
      problem: {
        problem: {
          status: 422,
          errors: [{ path: "/config/dataFiles/9/fastqPath", message: "does not exist" }],
        },
      },
    });
  });

  it("accept a large valid JSON submission: the same dry run, and a stored run", async () => {
    const items = Array.from({ length: 2000 }, (_, i) => ({
      ...example.dataFiles[0]!,
      sampleName: `s${i}`,
    }));
    const text = JSON.stringify({ ...example, dataFiles: items });
    const dry = await bothWays(submit(text, true));
    expect(dry.onThread).toEqual(dry.onLoop);
    expect(dry.onThread).toMatchObject({ value: { kind: "dry-run", pipeline: "fastq-qc@1.0.0" } });
    const stored = await submitRun(pooled, {
      principal: alice.principal,
      body: text,
      format: "legacy",
      trigger: "legacy_api",
      dryRun: false,
    });
    expect(stored.kind).toBe("created");
    expect(stored.kind !== "dry-run" && stored.run.config === text, "stored as sent").toBe(true);
  });

  /** 2,000 samples of the example; `change` alters one item. */
  const largeConfig = (change: (item: Record<string, string>, i: number) => object = (x) => x) =>
    ({
      ...example,
      dataFiles: Array.from({ length: 2000 }, (_, i) =>
        change({ ...example.dataFiles[0]!, sampleName: `s${i}` }, i),
      ),
    }) as Record<string, unknown>;

  it("move a large body's bytes to the thread, decoded there, with the same answers as its text inline", async () => {
    const refused = JSON.stringify(
      largeConfig((item, i) => (i === 1500 ? { ...item, fastqCode: "R3" } : item)),
      null,
      2,
    );
    const at = refused.indexOf("},", 40_000) + 1;
    const broken = `${refused.slice(0, at)},,${refused.slice(at)}`;
    const accented = JSON.stringify(
      largeConfig((item, i) => ({ ...item, sampleName: `échantillon-${i}` })),
    );
    const longName = JSON.stringify({ ...largeConfig(), name: "x".repeat(200_000) });
    for (const text of [refused, broken, accented, longName]) {
      const bytes = Buffer.from(text);
      const onThread = await settle(
        submitRun(pooled, {
          principal: alice.principal,
          body: bytes,
          format: "legacy",
          trigger: "legacy_api",
          dryRun: true,
        }),
      );
      expect(bytes.byteLength, "the bytes moved to a thread").toBe(0);
      const onLoop = await settle(submit(text, true)(inline));
      expect(onThread).toEqual(onLoop);
    }
  });

  it("hash a body sent as bytes as its text: an Idempotency-Key replays either way", async () => {
    const text = JSON.stringify(largeConfig());
    const key = `bytes-${Date.now()}`;
    const send = (ctx: AppContext, body: Uint8Array | string) =>
      submitRun(ctx, {
        principal: alice.principal,
        body,
        format: "legacy",
        trigger: "legacy_api",
        dryRun: false,
        idempotencyKey: key,
      });
    // With a BOM, which decoding drops (the run stores the text without it).
    const first = await send(pooled, Buffer.from(`\ufeff${text}`));
    expect(first.kind).toBe("created");
    expect(first.kind !== "dry-run" && first.run.config === text, "stored as decoded").toBe(true);
    const fromText = await send(inline, text);
    const fromBytes = await send(pooled, Buffer.from(text));
    for (const again of [fromText, fromBytes]) {
      expect(again.kind).toBe("replayed");
      expect(again.kind !== "dry-run" && again.run.id).toBe(
        first.kind !== "dry-run" && first.run.id,
      );
    }
  });
});
