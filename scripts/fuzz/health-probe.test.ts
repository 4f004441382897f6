import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHealthProbe } from "./health-probe";

// A server in a process of its own, like the web the fuzzer measures: 200, then 503 once
// asked to (POST /down); GET /count says how many polls it answered.
const SERVER = `
const http = require("node:http");
let status = 200;
let polled = 0;
http.createServer((req, res) => {
  if (req.url === "/count") { res.end(String(polled)); return; }
  if (req.method === "POST") { status = 503; res.end(); return; }
  polled += 1;
  res.writeHead(status, { "content-type": "application/json" });
  res.end("{}");
}).listen(0, "127.0.0.1", function () { process.stdout.write(String(this.address().port) + "\\n"); });
`;

let server: ChildProcess;
let baseUrl: string;

beforeAll(async () => {
  server = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = (await once(server.stdout!, "data")) as [Buffer];
  baseUrl = `http://127.0.0.1:${line.toString().trim()}`;
});

afterAll(() => {
  server.kill();
});

const busyFor = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe("startHealthProbe", () => {
  it("keeps polling, and its timings stay the server's, while the caller's thread is busy", async () => {
    const probe = startHealthProbe(baseUrl, 20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const blockedFrom = Date.now();
    busyFor(1500);
    const blockedTo = Date.now();
    await fetch(`${baseUrl}/down`, { method: "POST" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const polls = await probe.stop();

    const during = polls.filter((p) => p.at >= blockedFrom && p.at + p.ms <= blockedTo);
    // At 20 ms apart, 1.5 s holds dozens of polls; a probe on the caller's loop has none.
    expect(during.length).toBeGreaterThan(5);
    expect(during.every((p) => p.status === 200)).toBe(true);
    // The poll answered after the caller's loop was free again is not held for its 1.5 s.
    expect(Math.max(...during.map((p) => p.ms))).toBeLessThan(1000);
    expect(polls.at(-1)!.status).toBe(503);
  });

  it("sends the server nothing it does not measure, and marks its own first poll", async () => {
    const count = async () => Number(await (await fetch(`${baseUrl}/count`)).text());
    const before = await count();
    const probe = startHealthProbe(baseUrl, 20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const polls = await probe.stop();
    expect(await count()).toBe(before + polls.length);
    expect(polls[0]!.first).toBe(true);
    expect(polls.filter((p) => p.first)).toHaveLength(1);
  });

  it("records a poll nobody answers as status 0", async () => {
    const probe = startHealthProbe("http://127.0.0.1:1", 20);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const polls = await probe.stop();
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((p) => p.status === 0)).toBe(true);
  });
});
