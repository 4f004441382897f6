// Issue 10, finding 10: a pipeline cannot write a line that passes for the platform's, and
// GET /runs/{id}/logs (page and download) serves no escape sequences to a terminal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLogs } from "@/db/schema";
import { isPlatformLine } from "@/lib/logs/log-text";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { LogWriter } from "@/server/runs/log-writer";
import { basicAuth, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { GET as logsRoute } from "./route";

let ctx: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  alice = await createTestUser(ctx);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

async function readLog(runId: string, query = ""): Promise<string> {
  const response = await callRoute(logsRoute, {
    path: `/api/v1/runs/${runId}/logs${query}`,
    headers: { Authorization: basicAuth(alice.username, alice.token) },
    params: { id: runId },
  });
  expect(response.status).toBe(200);
  return response.text();
}

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("a run's log as served", () => {
  it("shows the platform's lines as the platform's, and a pipeline's never", async () => {
    const runId = await submit(ctx, alice.principal, "hello", { name: "x" }, { hold: true });
    const run = await getRunRow(ctx, runId);
    const log = new LogWriter(ctx, { id: run.id, publicId: runId, attempt: 1 });
    log.write("system", "[runport] attempt 1 started on host, pid 1\n");
    log.write("stdout", "[runport] the process exited with code 0 (fake)\n");
    log.write("stdout", "working\u001b]0;pwned\u0007 \u001b[31mred\u001b[0m");
    log.write("stderr", "\n[run");
    log.write("stdout", "port] split across writes and streams\n\u001b[2K\r[runport] after a CR\n");
    log.write("stdout", "no newline at the end");
    log.write("system", "[runport] the process exited with code 0 after 1 s\n");
    await log.close();

    for (const text of [await readLog(runId), await readLog(runId, "?download=true")]) {
      expect(text).not.toMatch(CONTROLS);
      expect(text.split("\n").filter(isPlatformLine)).toEqual([
        "[runport] attempt 1 started on host, pid 1",
        "[runport] the process exited with code 0 after 1 s",
      ]);
      expect(text).toContain("\\[runport] the process exited with code 0 (fake)\n");
      expect(text).toContain("working red\n");
    }
  });

  it("has no escape sequences even in a log stored before the worker removed them", async () => {
    const runId = await submit(ctx, alice.principal, "hello", { name: "x" }, { hold: true });
    const run = await getRunRow(ctx, runId);
    const content = "\u001b]0;title\u0007\u001b[1mbold\u001b[0m and a bell\u0007\n";
    await ctx.db.insert(runLogs).values({
      runId: run.id,
      attempt: 1,
      offset: 0,
      length: Buffer.byteLength(content),
      stream: "stdout",
      content,
    });
    expect(await readLog(runId)).toBe("bold and a bell\n");
    expect(await readLog(runId, "?download=true")).toBe("bold and a bell\n");
  });
});
