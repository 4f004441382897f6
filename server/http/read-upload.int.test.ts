// A multipart upload over 32 KiB is read on the web's CPU thread (its parse and copies held
// the event loop ~100 ms for a 3.5 MB form, the fuzzer's slow health poll), a smaller one
// inline; both give the same upload, and the same 400s.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "@/server/context";
import { toProblem } from "@/server/errors";
import { readUpload } from "@/server/http/read-upload";
import { createTestContext } from "@/test/context";

let pooled: AppContext;
let inline: AppContext;

beforeAll(() => {
  pooled = createTestContext({ cpuPoolSize: 1 });
  inline = createTestContext({ cpuPoolSize: 0 });
});

afterAll(async () => {
  await Promise.all([pooled.close(), inline.close()]);
});

const example = JSON.parse(readFileSync("pipelines/fastq-qc/example.json", "utf8")) as {
  dataFiles: Record<string, string>[];
} & Record<string, unknown>;

function csvOf(rows: number): string {
  const columns = Object.keys(example.dataFiles[0]!);
  const lines = [columns.join(",")];
  for (let i = 0; i < rows; i++)
    lines.push(
      columns.map((c) => (c === "sampleName" ? `s${i}` : example.dataFiles[0]![c])).join(","),
    );
  return lines.join("\n");
}

function formRequest(fields: Record<string, string>, csv: string | null): Request {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  if (csv !== null) form.set("file", new File([csv], "samples.csv", { type: "text/csv" }));
  return new Request("http://localhost/api/v1/spreadsheets/convert?pipeline=fastq-qc@1.0.0", {
    method: "POST",
    body: form,
  });
}

/** The upload (or the problem) read with `ctx`, from a fresh request each time. */
async function read(ctx: AppContext, make: () => Request) {
  const request = make();
  return readUpload(ctx, request, new URL(request.url), ctx.config.maxBodyBytes).then(
    (upload) => ({ upload }),
    (error: unknown) => ({ problem: toProblem(error).problem }),
  );
}

const { dataFiles: _, pipeline: __, ...base } = example;
const large = csvOf(2000);

describe("readUpload of a multipart form", () => {
  it("reads a form over 32 KiB on a CPU thread, a smaller one inline, to the same upload", async () => {
    const small = () => formRequest({ name: "small", config: JSON.stringify(base) }, csvOf(3));
    const onLoop = await read(pooled, small);
    expect(pooled.cpu.load.threads, "no thread for a small form").toBe(0);
    expect(onLoop).toEqual(await read(inline, small));

    const big = () => formRequest({ name: "big", config: JSON.stringify(base) }, large);
    expect(large.length).toBeGreaterThan(32 * 1024);
    const onThread = await read(pooled, big);
    expect(pooled.cpu.load.threads, "a thread read the large form").toBe(1);
    expect(onThread).toEqual(await read(inline, big));
    if (!("upload" in onThread)) throw new Error("the form was refused");
    expect(Buffer.isBuffer(onThread.upload.body)).toBe(true);
    expect(onThread.upload).toMatchObject({
      kind: "csv",
      name: "big",
      pipeline: "fastq-qc@1.0.0",
      base,
    });
    expect(onThread.upload.body.toString()).toBe(large);
  });

  it.each([
    ["a junk config", { config: `{"project":${"[".repeat(100_000)}` }, large, /not valid JSON/],
    ["an unknown field", { colour: "blue" }, large, /Unknown form field "colour"/],
    ["no file", { config: "x".repeat(40_000) }, null, /no "file" field/],
  ])(
    "refuses a large form with %s alike on a thread and inline (400)",
    async (_, fields, csv, detail) => {
      const make = () => formRequest(fields, csv);
      const onThread = await read(pooled, make);
      expect(onThread).toEqual(await read(inline, make));
      expect(onThread).toMatchObject({
        problem: { status: 400, detail: expect.stringMatching(detail) as string },
      });
    },
  );

  it("refuses a large body that is not a readable form (400)", async () => {
    const make = () =>
      new Request("http://localhost/api/v1/runs", {
        method: "POST",
        headers: { "Content-Type": "multipart/form-data; boundary=abc" },
        body: `--abd\r\n${"x".repeat(40_000)}`,
      });
    const onThread = await read(pooled, make);
    expect(onThread).toEqual(await read(inline, make));
    expect(onThread).toMatchObject({
      problem: { status: 400, detail: "The multipart body could not be read" },
    });
  });
});
