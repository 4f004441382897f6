import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ZCreateRunRequest } from "@/lib/contract/runs";
import { AppError, parseWith, toProblem } from "../errors";
import { parseJsonDocument, readJsonBody, readJsonBytes, readJsonText } from "./json-body";
import { parseQuery } from "./parse-query";

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("parseJsonDocument", () => {
  it("returns the value and the exact text of the pointers asked for", () => {
    const text = '{"pipeline": "hello", "config": {"b": 1,  "a": [2]}}';
    const doc = parseJsonDocument(text, ZCreateRunRequest, { spans: ["/config"] });
    expect(doc.value.config).toEqual({ b: 1, a: [2] });
    expect(doc.textAt("/config")).toBe('{"b": 1,  "a": [2]}');
    expect(doc.textAt("/name")).toBeUndefined();
  });

  it("answers 400 with line and column for text that is not JSON", () => {
    const error = failure(() => parseJsonDocument('{\n  "a": 1,\n}', z.object({})));
    expect(error.code).toBe("INVALID_JSON");
    expect(error.errors).toEqual([expect.objectContaining({ path: "", line: 3, column: 1 })]);
  });

  it("answers 422 for a key given twice, and for a body that is not an object", () => {
    const twice = failure(() => parseJsonDocument('{"a": {"b": 1, "b": 2}}', z.object({})));
    expect(twice.errors).toEqual([expect.objectContaining({ path: "/a/b", line: 1, column: 16 })]);
    const array = failure(() => parseJsonDocument("[1]", z.object({})));
    expect(array.code).toBe("VALIDATION_FAILED");
    expect(array.errors).toEqual([
      { path: "", message: "must be a JSON object", line: 1, column: 1 },
    ]);
  });

  it("names each schema problem by JSON Pointer, with its position, in document order", () => {
    const text =
      '{\n  "pipeline": "hello",\n  "config": {},\n  "labels": {"-x": "y"},\n  "lables": 1\n}';
    const error = failure(() =>
      parseJsonDocument(text, ZCreateRunRequest, { subject: "The run request" }),
    );
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toMatch(/^The run request is not valid: /);
    expect(error.errors).toEqual([
      { path: "/labels/-x", message: "label keys: letters, digits, _ . / -", line: 4, column: 20 },
      { path: "/lables", message: "is not an allowed property", line: 5, column: 13 },
    ]);
  });
});

describe("readJsonBody", () => {
  const post = (body: string, type = "application/json") =>
    new Request("http://runport.test/", {
      method: "POST",
      headers: { "content-type": type },
      body,
    });

  it("refuses other media types (415) and bodies over the limit (413)", async () => {
    await expect(
      readJsonBody(post("{}", "text/plain"), z.object({}), { limit: 10 }),
    ).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
    });
    await expect(
      readJsonBody(post('{"a": "0123456789"}'), z.object({}), { limit: 10 }),
    ).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
    const doc = await readJsonBody(post('{"a": 1}'), z.object({ a: z.number() }), { limit: 10 });
    expect(doc.value).toEqual({ a: 1 });
  });
});

describe("readJsonBytes", () => {
  const post = (body: Uint8Array, type = "application/json") =>
    new Request("http://runport.test/", {
      method: "POST",
      headers: { "content-type": type },
      body: new Uint8Array(body),
    });
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => "read",
      (error: unknown) => toProblem(error).problem,
    );

  it("refuses what readJsonText refuses, with the same problems, and keeps the bytes as sent", async () => {
    const bodies: [Uint8Array, string?][] = [
      [Buffer.from("{}"), "text/plain"],
      [Buffer.from('{"a": "0123456789"}')],
      [Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])], // {"\xff"}
      [Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])], // an encoded lone surrogate
      [Buffer.from("\ufeff{}")],
    ];
    for (const [body, type] of bodies) {
      const text = await outcome(readJsonText(post(body, type), 16));
      expect(await outcome(readJsonBytes(post(body, type), 16))).toEqual(text);
    }
    expect(await outcome(readJsonBytes(post(Buffer.from([0xc3, 0x28])), 16))).toMatchObject({
      status: 400,
      code: "INVALID_JSON",
    });
    const sent = Buffer.from('{"a": "é"}');
    expect(Buffer.compare(await readJsonBytes(post(sent), 16), sent)).toBe(0);
  });
});

describe("zod errors in the central mapper", () => {
  it("maps what parseWith refuses to a 422 with JSON Pointers", () => {
    const error = failure(() => parseWith(z.object({ a: z.array(z.number()) }), { a: [1, "x"] }));
    const { problem } = toProblem(error);
    expect(problem).toMatchObject({ status: 422, errors: [{ path: "/a/1" }] });
  });

  it("maps a stray ZodError (our own .parse() of our own data) to a 500 that says nothing of it", () => {
    const parsed = z.object({ secretField: z.number() }).safeParse({ secretField: "x" });
    const { problem } = toProblem(parsed.error);
    expect(problem).toMatchObject({ status: 500, code: "INTERNAL" });
    expect(JSON.stringify(problem)).not.toContain("secretField");
  });

  it("maps query string problems to a 400 with JSON Pointers", () => {
    const url = new URL("http://runport.test/?status=nope");
    const error = failure(() =>
      parseQuery(url, z.object({ status: z.array(z.enum(["queued"])) }), {
        repeatable: ["status"],
      }),
    );
    expect(error.status).toBe(400);
    expect(error.errors).toEqual([expect.objectContaining({ path: "/status/0" })]);
  });
});
