/**
 * A black-box GA4GH WES 1.1.0 client written from the specification: every answer of
 * /ga4gh/wes/v1 is checked against the specification's own schemas (test/wes-spec.ts,
 * the copy in test/fixtures/wes/) besides Runport's document (callRoute). It submits,
 * lists with paging, follows a run to COMPLETE (a worker in-process), cancels, and reads
 * the errors a client gets.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "@/server/context";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { createWesChecker } from "@/test/wes-spec";
import { startWorker, type WorkerHandle } from "@/worker/start-worker";
import { GET as runLogRoute } from "./runs/[run_id]/route";
import { POST as cancelRoute } from "./runs/[run_id]/cancel/route";
import { GET as statusRoute } from "./runs/[run_id]/status/route";
import { GET as taskRoute } from "./runs/[run_id]/tasks/[task_id]/route";
import { GET as tasksRoute } from "./runs/[run_id]/tasks/route";
import { GET as listRoute, POST as submitRoute } from "./runs/route";
import { GET as serviceInfoRoute } from "./service-info/route";

type Body = Record<string, unknown>;
type Handler = (request: Request, context: { params: Promise<never> }) => Promise<Response>;

const BASE = "/ga4gh/wes/v1";
const checkSpec = createWesChecker();
const example = JSON.parse(readFileSync("pipelines/fastq-qc/example.json", "utf8")) as Body;

let ctx: AppContext;
let worker: WorkerHandle;
let alice: TestUser;
let bob: TestUser;
let operator: TestUser;
/** The run the second test follows to COMPLETE. */
let completeRun: string;

const as = (user: TestUser) => ({ Authorization: basicAuth(user.username, user.token) });

/** One call as a WES client makes it; the answer is checked against the specification. */
async function wes(
  method: "GET" | "POST",
  route: Handler,
  path: string,
  init: {
    user?: TestUser | null;
    body?: Buffer;
    headers?: Record<string, string>;
    undeclaredError?: boolean;
  } = {},
): Promise<{ status: number; body: Body }> {
  const user = init.user === undefined ? alice : init.user;
  const [, runId, taskId] = /^\/runs\/([^/?]+)(?:\/tasks\/([^/?]+))?/.exec(path) ?? [];
  const response = await callRoute(route, {
    method,
    path: `${BASE}${path}`,
    headers: { ...(user ? as(user) : {}), ...init.headers },
    ...(init.body ? { body: init.body } : {}),
    params: {
      ...(runId ? { run_id: runId } : {}),
      ...(taskId ? { task_id: taskId } : {}),
    } as never,
  });
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await response.json()) as Body;
  checkSpec(method, path.split("?")[0]!, response.status, body, init.undeclaredError);
  return { status: response.status, body };
}

/** A RunWorkflow form as multipart/form-data, as a client library sends it. */
async function form(fields: Record<string, string>, files: Record<string, Blob> = {}) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  for (const [name, blob] of Object.entries(files)) data.append(name, blob, "workflow.cwl");
  const request = new Request("http://x", { method: "POST", body: data });
  return {
    body: Buffer.from(await request.arrayBuffer()),
    headers: { "Content-Type": request.headers.get("content-type")! },
  };
}

const runWorkflow = (config: unknown, extra: Record<string, string> = {}) => ({
  workflow_type: "RUNPORT",
  workflow_type_version: "1.0",
  workflow_url: "fastq-qc@1.0.0",
  workflow_params: JSON.stringify(config, null, 2),
  ...extra,
});

async function submit(fields: Record<string, string>, user: TestUser = alice) {
  return wes("POST", submitRoute, "/runs", { user, ...(await form(fields)) });
}

async function submitted(fields: Record<string, string>, user: TestUser = alice) {
  const { status, body } = await submit(fields, user);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.run_id as string;
}

const held = (user: TestUser = alice) =>
  submitted(runWorkflow(example, { workflow_engine_parameters: '{"hold": "true"}' }), user);

beforeAll(async () => {
  ctx = createTestContext();
  const pipelines = await registerPipelines(ctx);
  [alice, bob, operator] = await Promise.all([
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "operator"),
  ]);
  worker = startWorker(ctx, pipelines);
});

afterAll(async () => {
  await worker.stop();
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

describe("GA4GH WES 1.1.0 at /ga4gh/wes/v1", () => {
  it("describes the service (GetServiceInfo)", async () => {
    const { status, body } = await wes("GET", serviceInfoRoute, "/service-info", {
      user: operator,
    });
    expect(status).toBe(200);
    expect(body.supported_wes_versions).toEqual(["1.1.0"]);
    expect(body.workflow_type_versions).toEqual({ RUNPORT: { workflow_type_version: ["1.0"] } });
    expect(Object.keys(body.system_state_counts as Body)).toContain("COMPLETE");
    const own = await wes("GET", serviceInfoRoute, "/service-info");
    expect(own.body.system_state_counts).toEqual({}); // a submitter sees only their runs
  });

  it("submits, follows to COMPLETE and reads the run log and its tasks", async () => {
    const runId = await submitted(
      runWorkflow(example, {
        tags: JSON.stringify({ project: "wes-demo" }),
        workflow_engine_parameters: JSON.stringify({ name: "wes run", priority: "3" }),
      }),
    );
    let state = "";
    const deadline = Date.now() + 60_000;
    while (!["COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR"].includes(state)) {
      expect(Date.now(), `still ${state}`).toBeLessThan(deadline);
      const { status, body } = await wes("GET", statusRoute, `/runs/${runId}/status`);
      expect(status).toBe(200);
      state = body.state as string;
      if (state !== "COMPLETE") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(state).toBe("COMPLETE");
    completeRun = runId;

    const { body: log } = await wes("GET", runLogRoute, `/runs/${runId}`);
    expect(log).toMatchObject({ run_id: runId, state: "COMPLETE" });
    expect(log.request).toMatchObject({
      workflow_type: "RUNPORT",
      workflow_url: "fastq-qc@1.0.0",
      workflow_params: example,
      tags: { project: "wes-demo" },
      workflow_engine_parameters: { name: "wes run", priority: "3" },
    });
    const runLog = log.run_log as Body;
    expect(runLog).toMatchObject({ name: "wes run", exit_code: 0 });
    expect(runLog.stdout).toBe(`http://runport.test/api/v1/runs/${runId}/logs?download=true`);
    expect((runLog.cmd as string[]).length).toBeGreaterThan(0);
    expect(Object.keys(log.outputs as Body).length).toBeGreaterThan(0);
    expect(log.task_logs_url).toBe(`http://runport.test${BASE}/runs/${runId}/tasks`);

    const { body: tasks } = await wes("GET", tasksRoute, `/runs/${runId}/tasks`);
    expect(tasks.next_page_token).toBe("");
    expect(tasks.task_logs).toMatchObject([{ id: "1", exit_code: 0 }]);
    const { body: task } = await wes("GET", taskRoute, `/runs/${runId}/tasks/1`);
    expect(task).toEqual((tasks.task_logs as Body[])[0]);
    const noTask = await wes("GET", taskRoute, `/runs/${runId}/tasks/2`);
    expect([noTask.status, noTask.body.status_code]).toEqual([404, 404]);
  }, 90_000);

  it("lists with paging until next_page_token is empty, only the caller's runs", async () => {
    const mine = await Promise.all([1, 2, 3, 4, 5].map(() => held(bob)));
    const theirs = await held(operator);
    const seen: string[] = [];
    let token = "";
    do {
      const query = `?page_size=2${token ? `&page_token=${token}` : ""}`;
      const { status, body } = await wes("GET", listRoute, `/runs${query}`, {
        user: bob,
      });
      expect(status).toBe(200);
      const runs = body.runs as { run_id: string; state: string }[];
      expect(runs.length).toBeLessThanOrEqual(2);
      seen.push(...runs.map((r) => r.run_id));
      expect(runs.every((r) => r.state === "PAUSED")).toBe(true);
      token = body.next_page_token as string;
    } while (token !== "");
    expect(seen.sort()).toEqual([...mine].sort());
    expect(seen).not.toContain(theirs);
    const bad = await wes("GET", listRoute, "/runs?page_token=!!", { user: bob });
    expect(bad.status).toBe(400);
  });

  it("cancels a run (again: the same answer); a completed one is a 400, another submitter's a 403", async () => {
    const runId = await held();
    expect(
      (await wes("POST", cancelRoute as Handler, `/runs/${runId}/cancel`, { user: bob })).status,
    ).toBe(403);
    const { status, body } = await wes("POST", cancelRoute, `/runs/${runId}/cancel`);
    expect(status).toBe(200);
    expect(body).toEqual({ run_id: runId });
    const after = await wes("GET", statusRoute, `/runs/${runId}/status`);
    expect(after.body.state).toBe("CANCELED");
    const again = await wes("POST", cancelRoute, `/runs/${runId}/cancel`);
    expect(again).toEqual({ status: 200, body: { run_id: runId } });
    // CancelRun declares no status for "finished otherwise": Runport's 409 is a 400.
    const done = await wes("POST", cancelRoute, `/runs/${completeRun}/cancel`, {
      undeclaredError: true,
    });
    expect([done.status, done.body.status_code]).toEqual([400, 400]);
    expect(done.body.msg).toMatch(/finished|succeeded/i);
  });

  it("answers errors as {msg, status_code}, and a refused submission stores nothing", async () => {
    const count = async () =>
      (await wes("GET", listRoute, "/runs?page_size=1", { user: operator })).body.total_runs;
    const before = await count();

    const unknown = "01aaaaaaaaaaaaaaaaaaaaaaaa";
    for (const [route, path] of [
      [runLogRoute, `/runs/${unknown}`],
      [statusRoute, `/runs/${unknown}/status`],
      [tasksRoute, `/runs/${unknown}/tasks`],
      [taskRoute, `/runs/${unknown}/tasks/1`],
    ] as const) {
      const { status, body } = await wes("GET", route, path);
      expect([status, body.status_code]).toEqual([404, 404]);
    }
    const cancelUnknown = await wes("POST", cancelRoute, `/runs/${unknown}/cancel`);
    expect(cancelUnknown.status).toBe(404);

    const badUrl = await submit(runWorkflow(example, { workflow_url: "no-such-pipeline@9.9.9" }));
    expect([badUrl.status, badUrl.body.status_code]).toEqual([400, 400]);
    expect(badUrl.body.msg).toMatch(/no-such-pipeline/);

    const wrong = structuredClone(example) as { dataFiles: { fastqCode: string }[] };
    wrong.dataFiles[0]!.fastqCode = "R3";
    const invalid = await submit(runWorkflow(wrong));
    expect(invalid.status).toBe(400);
    expect(invalid.body.msg).toMatch(/\/workflow_params\/dataFiles\/0\/fastqCode: .*line \d+/);

    const cwl = await submit(runWorkflow(example, { workflow_type: "CWL" }));
    expect([cwl.status, cwl.body.msg]).toEqual([400, expect.stringMatching(/workflow_type/)]);

    const attached = await wes("POST", submitRoute, "/runs", {
      ...(await form(runWorkflow(example), {
        workflow_attachment: new Blob(["cwlVersion: v1.2"]),
      })),
    });
    expect(attached.status).toBe(400);
    expect(attached.body.msg).toMatch(/workflow_attachment is not supported/);

    const badTags = await submit(runWorkflow(example, { tags: '{"project": 7}' }));
    expect(badTags.status).toBe(400);
    expect(badTags.body.msg).toMatch(/\/tags\/project: must be a string/);

    const fromOtherSite = await form(runWorkflow(example));
    const crossSite = await wes("POST", submitRoute, "/runs", {
      body: fromOtherSite.body,
      headers: { ...fromOtherSite.headers, "Sec-Fetch-Site": "cross-site" },
    });
    expect([crossSite.status, crossSite.body.status_code]).toEqual([403, 403]);

    const anonymous = await wes("GET", listRoute, "/runs", { user: null });
    expect([anonymous.status, anonymous.body.status_code]).toEqual([401, 401]);
    const anonymousPost = await wes("POST", submitRoute, "/runs", {
      user: null,
      ...(await form(runWorkflow(example))),
    });
    expect(anonymousPost.status).toBe(401);

    expect(await count()).toBe(before);
  });
});
