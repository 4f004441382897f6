import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { createUser } from "@/server/users/create-user";
import { createTestResources, type TestResources } from "@/test/resources";
import { startStack, type Stack } from "@/test/stack";
import { groupMembers } from "@/worker/reap-orphans";
import { until } from "./support/until";

// kill -9 of a worker in the middle of a run, on a stack of its own (web, worker, beat).
let resources: TestResources;
let stack: Stack;
const PASSWORD = "lost-password-1";
const auth = `Basic ${Buffer.from(`lou:${PASSWORD}`).toString("base64")}`;

beforeAll(async () => {
  resources = await createTestResources();
  stack = await startStack({
    ...resources,
    adminPassword: "lost-admin-password-1",
    logDir: path.resolve("test-results/lost-worker"),
    env: {
      PIPELINES_PATH: [path.resolve("pipelines"), path.resolve("test/fixtures/pipelines")].join(
        ":",
      ),
    },
  });
  const ctx = createAppContext({ ...loadConfig(stack.env), logLevel: "warn" }, "test");
  await createUser(ctx, { username: "lou", role: "submitter", password: PASSWORD });
  await ctx.close();
});

afterAll(async () => {
  await stack?.stop();
  await resources?.remove();
});

type RunView = {
  status: string;
  attempt: number;
  attempts: { attempt: number; pid: number | null; startedAt: string }[];
  events: { to: string; message: string | null }[];
};

async function getRun(id: string): Promise<RunView> {
  const response = await fetch(`${stack.baseUrl}/api/v1/runs/${id}`, {
    headers: { Authorization: auth },
  });
  return (await response.json()) as RunView;
}

describe("a worker killed with SIGKILL in the middle of a run", () => {
  it("has its orphaned process group killed, and the run becomes a new attempt that succeeds", async () => {
    const submitted = await fetch(`${stack.baseUrl}/api/v1/runs`, {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/json" },
      body: JSON.stringify({ pipeline: "lost-and-found", config: {} }),
    });
    expect(submitted.status).toBe(201);
    const { id } = (await submitted.json()) as { id: string };
    const pid = await until("the attempt's process", 20_000, async () => {
      const run = await getRun(id);
      return run.status === "running" ? (run.attempts[0]?.pid ?? undefined) : undefined;
    });
    // The whole group: the pipeline and its grandchild (both ignore SIGTERM).
    await until("the grandchild", 10_000, () => (groupMembers(pid).length >= 2 ? true : undefined));

    const killedAt = Date.now();
    stack.processes.worker!.kill("SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(groupMembers(pid).length).toBeGreaterThanOrEqual(2); // the kernel left them running

    stack.startWorker(); // as pm2 restarts a dead worker
    const goneAt = await until("the orphaned group to be killed", 20_000, () =>
      groupMembers(pid).length === 0 ? Date.now() : undefined,
    );

    const run = await until("the run to end", 60_000, async () => {
      const current = await getRun(id);
      return ["succeeded", "failed", "error", "cancelled"].includes(current.status)
        ? current
        : undefined;
    });
    expect(run.status).toBe("succeeded");
    expect(run.attempt).toBe(2);
    expect(Date.now() - killedAt).toBeLessThan(60_000);
    // Never twice at once: attempt 2 started after attempt 1's processes were gone.
    const second = run.attempts.find((a) => a.attempt === 2)!;
    expect(new Date(second.startedAt).getTime()).toBeGreaterThan(goneAt - 250);
    expect(run.events.some((e) => e.message?.includes("stopped sending heartbeats"))).toBe(true);
  });
});
