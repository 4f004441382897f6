import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { testTempDir } from "@/test/temp-dir";
import { ListSourceError } from "./list-source-error";
import { parseValues } from "./parse-values";
import { readCommandSource } from "./read-command-source";
import { readFileSource } from "./read-file-source";
import { readUrlSource } from "./read-url-source";

const limits = { maxBytes: 1024 * 1024, timeoutMs: 1000 };
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/list.csv`;
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ListSourceError);
  return (error as Error).message;
}

describe("parseValues", () => {
  it("reads CSV by header name with labels, trims, drops empty values and duplicates", () => {
    const text = "id,title\n a1 ,First\na2,Second\n,blank\na1,again\n";
    expect(
      parseValues(text, { format: "csv", valueColumn: "id", labelColumn: "title", header: true }),
    ).toEqual([
      { value: "a1", label: "First" },
      { value: "a2", label: "Second" },
    ]);
  });

  it("reads TSV by column index and JSON by pointer", () => {
    expect(parseValues("x\ty\nb\t1\n", { format: "tsv", valueColumn: 0, header: true })).toEqual([
      { value: "b", label: null },
    ]);
    const json = JSON.stringify({ data: [{ id: "p1", n: "one" }, { id: 7 }] });
    expect(
      parseValues(json, {
        format: "json",
        items: "/data",
        valuePointer: "/id",
        labelPointer: "/n",
      }),
    ).toEqual([
      { value: "p1", label: "one" },
      { value: "7", label: null },
    ]);
  });

  it("refuses a missing column and more values than the limit", () => {
    expect(() => parseValues("a\n1\n", { format: "csv", valueColumn: "id", header: true })).toThrow(
      'the value column "id" is not in the header',
    );
    expect(() => parseValues("1\n2\n3\n", { format: "lines" }, 2)).toThrow("more than 2 values");
  });
});

describe("readFileSource", () => {
  it("reads a file inside the roots and refuses one outside, also through a link", async () => {
    const dir = testTempDir("list-file");
    const root = path.join(dir, "root");
    mkdirSync(root);
    writeFileSync(path.join(root, "a.csv"), "id\nx\n");
    writeFileSync(path.join(dir, "secret.csv"), "id\ns\n");
    symlinkSync(path.join(dir, "secret.csv"), path.join(root, "link.csv"));
    const read = await readFileSource(path.join(root, "a.csv"), [root], limits);
    expect(read).toMatchObject({ notModified: false, text: "id\nx\n" });
    expect(await failure(readFileSource(path.join(dir, "secret.csv"), [root], limits))).toMatch(
      /outside/,
    );
    expect(await failure(readFileSource(path.join(root, "link.csv"), [root], limits))).toMatch(
      /outside/,
    );
    expect(
      await failure(readFileSource(path.join(root, "a.csv"), [root], { ...limits, maxBytes: 3 })),
    ).toMatch(/larger than 3 bytes/);
    // A FIFO nobody writes to: refused at once, not a refresh (and a beat) waiting for ever.
    execFileSync("mkfifo", [path.join(root, "pipe.csv")]);
    expect(await failure(readFileSource(path.join(root, "pipe.csv"), [root], limits))).toBe(
      `${path.join(root, "pipe.csv")} is not a file`,
    );
  });
});

describe("readUrlSource", () => {
  const hosts = ["127.0.0.1"];

  it("fetches, sends the validators back, and keeps the version on 304", async () => {
    const seen: (string | undefined)[] = [];
    const url = await serve((req, res) => {
      seen.push(req.headers["if-none-match"]);
      if (req.headers["if-none-match"] === '"v1"') return res.writeHead(304).end();
      res.writeHead(200, { ETag: '"v1"', "Content-Type": "text/csv" }).end("id\na\n");
    });
    const first = await readUrlSource(url, { ...limits, hosts });
    expect(first).toMatchObject({ notModified: false, text: "id\na\n", etag: '"v1"' });
    expect(await readUrlSource(url, { ...limits, hosts, etag: '"v1"' })).toEqual({
      notModified: true,
    });
    expect(seen).toEqual([undefined, '"v1"']);
  });

  it("refuses a host off the allow-list without asking it", async () => {
    let asked = false;
    const url = await serve((_, res) => ((asked = true), res.end("x")));
    expect(await failure(readUrlSource(url, { ...limits, hosts: ["lims.example.org"] }))).toMatch(
      /not in LIST_URL_HOSTS/,
    );
    expect(asked).toBe(false);
  });

  it("fails on an error status, a timeout and a 50 MB answer", async () => {
    const broken = await serve((_, res) => res.writeHead(500).end("no"));
    expect(await failure(readUrlSource(broken, { ...limits, hosts }))).toBe("the URL answered 500");
    const hanging = await serve(() => undefined);
    expect(await failure(readUrlSource(hanging, { ...limits, timeoutMs: 300, hosts }))).toMatch(
      /did not answer within 0.3 s/,
    );
    const chunk = Buffer.alloc(1024 * 1024, "a");
    let sent = 0;
    const huge = await serve((_, res) => {
      // No Content-Length: the limit must hold while reading, not only on the header.
      res.writeHead(200, { "Content-Type": "text/plain" });
      const write = () => {
        while (sent < 50 && res.write(chunk)) sent++;
        if (sent < 50) res.once("drain", () => (sent++, write()));
        else res.end();
      };
      write();
    });
    expect(await failure(readUrlSource(huge, { ...limits, timeoutMs: 10_000, hosts }))).toMatch(
      /larger than 1048576 bytes/,
    );
    expect(sent).toBeLessThan(50);
  });
});

describe("readCommandSource", () => {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

  it("runs argv without a shell", async () => {
    const read = await readCommandSource(["printf", "%s\\n", "a;b", "$HOME"], { ...limits, env });
    expect(read).toMatchObject({ text: "a;b\n$HOME\n" });
  });

  it("kills the whole process group of a command that hangs", async () => {
    const dir = testTempDir("list-command");
    const pidFile = path.join(dir, "pid");
    const script = `sleep 30 & echo $! > ${pidFile}; wait`;
    const started = Date.now();
    expect(
      await failure(readCommandSource(["sh", "-c", script], { ...limits, timeoutMs: 500, env })),
    ).toMatch(/did not finish within 0.5 s/);
    expect(Date.now() - started).toBeLessThan(10_000);
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    await new Promise((r) => setTimeout(r, 100));
    // Gone, or a zombie waiting for its new parent to reap it: not sleeping on.
    const state = existsSync(`/proc/${grandchild}/stat`)
      ? readFileSync(`/proc/${grandchild}/stat`, "utf8").split(") ")[1]?.[0]
      : "gone";
    expect(["gone", "Z", "X"]).toContain(state);
  });

  it("fails with the exit code and stderr, and on too much output", async () => {
    expect(
      await failure(readCommandSource(["sh", "-c", "echo nope >&2; exit 3"], { ...limits, env })),
    ).toBe("the command ended with exit code 3: nope");
    expect(await failure(readCommandSource(["yes"], { ...limits, env }))).toMatch(
      /more than 1048576 bytes/,
    );
    expect(await failure(readCommandSource(["/no/such/program"], { ...limits, env }))).toMatch(
      /could not start/,
    );
  });
});
