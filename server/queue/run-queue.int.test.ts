// Issue 10, gap 5: a queue made while Redis is away (a web or beat started during a Redis
// outage) must enqueue once Redis is back. On a private redis-server of this file's own.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateServer, stopServer } from "@/scripts/ops/private-server";
import { startRedis } from "@/scripts/ops/redis";
import type { ServiceUrl } from "@/scripts/ops/service-url";
import { freePort } from "@/test/stack";
import { createRunQueue, enqueueRun, jobIdFor, type RunQueue } from "./run-queue";

const root = mkdtempSync(path.join(tmpdir(), "runport-queue-"));
const server = privateServer(root, "redis");
let url: ServiceUrl;
let queue: RunQueue | undefined;

beforeAll(async () => {
  const port = await freePort();
  url = { scheme: "redis", host: "127.0.0.1", port, user: "", password: "" };
  await startRedis(server, url);
}, 60_000);

afterAll(async () => {
  await queue?.close();
  await stopServer(server);
  rmSync(root, { recursive: true, force: true });
}, 60_000);

describe("a run queue made while Redis is down", () => {
  it("enqueues once Redis is back", async () => {
    await stopServer(server);
    queue = createRunQueue(`redis://127.0.0.1:${url.port}`, "queue-test");
    queue.on("error", () => undefined);
    // Whatever it tried meanwhile failed: Redis is away.
    await expect(
      enqueueRun(queue, { runId: "01aaaaaaaaaaaaaaaaaaaaaaaa", attempt: 1, priority: 0 }),
    ).rejects.toThrow();
    await startRedis(server, url);
    const runId = "01bbbbbbbbbbbbbbbbbbbbbbbb";
    let outcome: unknown;
    for (let i = 0; i < 40; i++) {
      // The connection comes back within its reconnect backoff (at most 5 s).
      outcome = await enqueueRun(queue, { runId, attempt: 1, priority: 0 }).then(
        () => "added",
        (error: unknown) => String(error),
      );
      if (outcome === "added") break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(outcome).toBe("added");
    expect(await queue.getJobState(jobIdFor(runId, 1))).toBe("prioritized");
  }, 60_000);
});
