import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as downloadRoute } from "@/app/api/v1/runs/[id]/outputs/[outputId]/route";
import { GET as listRoute } from "@/app/api/v1/runs/[id]/outputs/route";
import type { OutputList, OutputView } from "@/lib/contract/outputs";
import type { AppContext } from "@/server/context";
import { getRunLogs } from "@/server/runs/get-run-logs";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { submit, waitForStatus } from "@/test/runs";
import { startWorker, type WorkerHandle } from "@/worker/start-worker";

const MiB = 1024 * 1024;
/** The worker stores files up to 3 MiB: a 2.5 MiB file is stored (3 chunks), 3 MiB + 1 is not. */
const STORE_MAX = 3 * MiB;

let ctx: AppContext;
let worker: WorkerHandle;
let runsDir: string;
let alice: TestUser;
let bob: TestUser;
let operator: TestUser;
let qcRun: string;
let probeRun: string;
let overRun: string;

const as = (user: TestUser) => ({ Authorization: basicAuth(user.username, user.token) });
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const onDisk = (runId: string, file: string) =>
  readFileSync(path.join(runsDir, runId, "attempt-1", "outputs", file));

async function finished(runId: string) {
  const run = await waitForStatus(ctx, runId, ["succeeded", "failed", "error", "cancelled"]);
  expect(run.status).toBe("succeeded");
}

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-outputs-api-"));
  ctx = createTestContext({ runsDir, outputStoreMaxBytes: STORE_MAX, workerConcurrency: 3 });
  const pipelines = await registerPipelines(ctx);
  [alice, bob, operator] = await Promise.all([
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "operator"),
  ]);
  worker = startWorker(ctx, pipelines);
  const example = JSON.parse(readFileSync("pipelines/fastq-qc/example.json", "utf8")) as object;
  [qcRun, probeRun, overRun] = await Promise.all([
    submit(ctx, alice.principal, "fastq-qc@1.0.0", example),
    submit(ctx, alice.principal, "outputs-probe", { largeBytes: 2.5 * MiB + 3 }),
    submit(ctx, alice.principal, "outputs-probe", { largeBytes: STORE_MAX + 1 }),
  ]);
  await Promise.all([qcRun, probeRun, overRun].map(finished));
});

afterAll(async () => {
  await worker.stop();
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(runsDir, { recursive: true, force: true });
});

async function list(runId: string, user: TestUser = alice): Promise<OutputView[]> {
  const response = await callRoute(listRoute, {
    path: `/api/v1/runs/${runId}/outputs`,
    headers: as(user),
    params: { id: runId },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as OutputList).items;
}

function download(
  runId: string,
  outputId: string | number,
  headers: Record<string, string> = as(alice),
) {
  return callRoute(downloadRoute, {
    path: `/api/v1/runs/${runId}/outputs/${outputId}`,
    headers,
    params: { id: runId, outputId: String(outputId) },
  });
}

const byPath = (items: OutputView[], file: string): OutputView => {
  const item = items.find((i) => i.path === file);
  if (!item) throw new Error(`${file} is not listed: ${items.map((i) => i.path).join(", ")}`);
  return item;
};

describe("GET /api/v1/runs/{id}/outputs", () => {
  it("lists qc.json and qc.tsv of a real fastq-qc run with the SHA-256 of the files on disk", async () => {
    const items = await list(qcRun);
    expect(items.map((i) => i.path)).toEqual(["qc.json", "qc.tsv"]);
    for (const item of items) {
      const content = onDisk(qcRun, item.path);
      expect(item).toMatchObject({
        attempt: 1,
        size: content.length,
        sha256: sha256(content),
        stored: true,
        download: `/api/v1/runs/${qcRun}/outputs/${item.id}`,
      });
    }
    const log = await getRunLogs(ctx, { principal: alice.principal, runId: qcRun, cursor: 0 });
    const bytes = items.reduce((n, i) => n + i.size, 0);
    expect(log.text).toContain(`[runport] recorded 2 output files (${bytes} bytes; 2 stored)\n`);
  });

  it("lists nested files, never a symbolic link, and a file over the store limit as not stored", async () => {
    const items = await list(overRun);
    // In the database's order: by path, case and accents aside.
    expect(items.map((i) => i.path)).toEqual([
      "large.bin",
      "nested/deeper/table.tsv",
      'Résumé "final"; v2.txt',
      "summary.txt",
    ]);
    const large = byPath(items, "large.bin");
    expect(large).toMatchObject({
      size: STORE_MAX + 1,
      sha256: sha256(onDisk(overRun, "large.bin")),
      stored: false,
      download: null,
    });
    const log = await getRunLogs(ctx, { principal: alice.principal, runId: overRun, cursor: 0 });
    expect(log.text).toContain(`skipped "passwd-link": a symbolic link (links are not followed)`);
    expect(log.text).toContain(`skipped "etc-link": a symbolic link`);
    expect(log.text).toContain("[runport] recorded 4 output files");
  });

  it("lets an operator see the list, but not another submitter; 404 for an unknown run", async () => {
    expect((await list(qcRun, operator)).length).toBe(2);
    const other = await callRoute(listRoute, {
      path: `/api/v1/runs/${qcRun}/outputs`,
      headers: as(bob),
      params: { id: qcRun },
    });
    // Ownership answers as GET /runs/{id} does (findRunFor): 403, with nothing listed.
    expect(other.status).toBe(403);
    expect(await other.text()).not.toContain("qc.json");
    const unknown = await callRoute(listRoute, {
      path: "/api/v1/runs/nope/outputs",
      headers: as(alice),
      params: { id: "nope" },
    });
    expect(unknown.status).toBe(404);
    const anonymous = await callRoute(listRoute, {
      path: `/api/v1/runs/${qcRun}/outputs`,
      params: { id: qcRun },
    });
    expect(anonymous.status).toBe(401);
  });
});

describe("GET /api/v1/runs/{id}/outputs/{outputId}", () => {
  it("downloads qc.json and qc.tsv byte for byte, as attachments with the SHA-256 as ETag", async () => {
    for (const item of await list(qcRun)) {
      const response = await download(qcRun, item.id);
      expect(response.status).toBe(200);
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.equals(onDisk(qcRun, item.path))).toBe(true);
      expect(Object.fromEntries(response.headers)).toMatchObject({
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${item.path}"; filename*=UTF-8''${item.path}`,
        "content-length": String(item.size),
        "x-content-type-options": "nosniff",
        etag: `"${item.sha256}"`,
      });
      const again = await download(qcRun, item.id, {
        ...as(alice),
        "If-None-Match": `"${item.sha256}"`,
      });
      expect(again.status).toBe(304);
    }
  });

  it("streams a file of several chunks in order, and names a file with quotes and accents safely", async () => {
    const items = await list(probeRun);
    const large = byPath(items, "large.bin");
    expect(large).toMatchObject({ size: 2.5 * MiB + 3, stored: true });
    const body = Buffer.from(await (await download(probeRun, large.id)).arrayBuffer());
    expect(sha256(body)).toBe(sha256(onDisk(probeRun, "large.bin")));

    const odd = byPath(items, 'Résumé "final"; v2.txt');
    const response = await download(probeRun, odd.id);
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="R_sum_ _final__ v2.txt"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22%3B%20v2.txt`,
    );
    expect(Buffer.from(await response.arrayBuffer()).toString()).toBe("naïve ✓\n");
  });

  it("answers 404 with a clear problem for a file that was not stored", async () => {
    const large = byPath(await list(overRun), "large.bin");
    const response = await download(overRun, large.id);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toContain(
      `The content of "large.bin" (${STORE_MAX + 1} bytes) is not kept`,
    );
  });

  it("answers 404 for another run's output id and for ids that are no output's", async () => {
    const [qcJson] = await list(qcRun);
    for (const id of [String(qcJson!.id), "0", "-1", "abc", "1e3", "99999999999", "../qc.json"]) {
      const response = await download(probeRun, id);
      expect(response.status, id).toBe(404);
      expect(((await response.json()) as { detail: string }).detail).toContain(
        `Run ${probeRun} has no output`,
      );
    }
  });

  it("refuses another submitter's download (403) and lets an operator download", async () => {
    const [item] = await list(qcRun);
    const other = await download(qcRun, item!.id, as(bob));
    expect(other.status).toBe(403);
    expect(other.headers.get("content-disposition")).toBeNull();
    expect((await download(qcRun, item!.id, as(operator))).status).toBe(200);
  });
});
