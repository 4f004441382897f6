import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "@/server/context";
import { AppError } from "@/server/errors";
import { submitRun } from "@/server/runs/submit-run";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { defaultHpcAccountsSource, ensureDefaultLists } from "./ensure-default-lists";
import { refreshDueLists } from "./refresh-due-lists";

let ctx: AppContext;
let alice: TestUser;
const example = JSON.parse(readFileSync("pipelines/fastq-qc/example.json", "utf8")) as Record<
  string,
  unknown
>;

beforeAll(async () => {
  // The demo CSV lives in ./lists, the default LIST_FILE_ROOTS; Slurm is not on this PATH.
  ctx = createTestContext({ childEnv: { PATH: "/usr/bin:/bin" } });
  await registerPipelines(ctx);
  alice = await createTestUser(ctx, "submitter");
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

describe("hpc-accounts, the list of fastq-qc's hpcAccount", () => {
  it("uses sacctmgr when it is on PATH, else the demo CSV", () => {
    expect(defaultHpcAccountsSource("/nowhere")).toMatchObject({ kind: "file" });
    expect(defaultHpcAccountsSource("/nowhere")).toMatchObject({
      path: expect.stringMatching(/lists\/demo-hpc-accounts\.csv$/) as string,
    });
  });

  it("is defined once at start, refreshed from the demo CSV, and checks submissions", async () => {
    await ensureDefaultLists(ctx);
    await ensureDefaultLists(ctx);
    const done = await refreshDueLists(ctx);
    expect(done).toEqual([
      { name: "hpc-accounts", result: expect.objectContaining({ outcome: "stored" }) as object },
    ]);
    const submit = (hpcAccount: string) =>
      submitRun(ctx, {
        principal: alice.principal,
        body: JSON.stringify({ ...example, hpcAccount }),
        format: "legacy",
        trigger: "api",
        dryRun: true,
      });
    // The example configs' account is in the demo list.
    await expect(submit("lab-00001")).resolves.toMatchObject({ kind: "dry-run" });
    const error = await submit("lab-0001").then(
      () => null,
      (e: unknown) => e as AppError,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error?.errors).toEqual([
      {
        path: "/hpcAccount",
        message: expect.stringMatching(
          /^is not a known value of the list hpc-accounts; did you mean "lab-00001"/,
        ) as string,
      },
    ]);
  });
});
