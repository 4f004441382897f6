import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as postRuns } from "@/app/api/v1/runs/route";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";

let ctx: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx, [path.resolve("test/fixtures/slurm-pipelines")]);
  alice = await createTestUser(ctx, "submitter");
});

const dryRun = (config: Record<string, unknown>) =>
  callRoute(postRuns, {
    method: "POST",
    path: "/api/v1/runs?dryRun=true",
    headers: { Authorization: `Bearer ${alice.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ pipeline: "slurm-probe", config }),
  });

describe("Slurm options a run's config may set (pipeline.json slurm.runOptions)", () => {
  it("accepts an allowed hpcAccount and a time limit within the pipeline's maximum", async () => {
    const response = await dryRun({ hpcAccount: "proj_42", timeLimit: 30 });
    expect(response.status).toBe(200);
  });

  it("refuses values out of their limits with 422 and a pointer to each", async () => {
    const response = await dryRun({ hpcAccount: "other", timeLimit: 31 });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: "/config/hpcAccount", message: "must be one of lab, proj_42" },
      { path: "/config/timeLimit", message: "must be a whole number from 1 to 30" },
    ]);
  });
});
