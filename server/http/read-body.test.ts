import { describe, expect, it } from "vitest";
import { readBody } from "./read-body";

/** A POST whose body arrives in the given pieces, with or without a Content-Length. */
function post(pieces: string[], contentLength?: number): Request {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
  const headers = contentLength === undefined ? {} : { "content-length": String(contentLength) };
  return new Request("http://runport.test/api/v1/runs", {
    method: "POST",
    body: stream,
    headers,
    duplex: "half",
  } as RequestInit);
}

describe("readBody", () => {
  it("reads every piece, with a Content-Length into a buffer of the body's own", async () => {
    const body = await readBody(post(["ab", "cdé", "f"], 7), 100);
    expect(body.toString()).toBe("abcdéf");
    expect(body.byteOffset).toBe(0);
    expect(body.buffer.byteLength, "a CPU thread can take the buffer over").toBe(7);
  });

  it("reads a body without a Content-Length, and one shorter or longer than declared", async () => {
    expect((await readBody(post(["ab", "cd"]), 100)).toString()).toBe("abcd");
    expect((await readBody(post(["ab"], 5), 100)).toString()).toBe("ab");
    expect((await readBody(post(["abc", "def"], 4), 100)).toString()).toBe("abcdef");
  });

  it("refuses a body over the limit, declared or streamed, with 413", async () => {
    await expect(readBody(post(["x"], 101), 100)).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
    await expect(readBody(post(["x".repeat(60), "y".repeat(60)]), 100)).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
  });

  it("grows its buffer with what arrives, to exactly the declared size", async () => {
    const piece = "x".repeat(100 * 1024);
    const body = await readBody(post(Array<string>(7).fill(piece), 700 * 1024), 1024 * 1024);
    expect(body.length).toBe(700 * 1024);
    expect(body.buffer.byteLength, "one buffer of the body's own").toBe(700 * 1024);
    expect(body.toString("latin1", 0, 3)).toBe("xxx");
  });

  it("answers an empty body with no bytes", async () => {
    expect((await readBody(post([], 0), 100)).length).toBe(0);
    expect((await readBody(post([]), 100)).length).toBe(0);
  });
});
