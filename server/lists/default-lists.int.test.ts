import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
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
  // The demo CSV lives in ./lists, the default LIST_FILE_ROOTS; Slurm is not configured
  // (its client may be installed: the Slurm executor's tests install it).
  ctx = createTestContext({
    childEnv: { PATH: "/usr/bin:/bin", SLURM_CONF: path.join(tmpdir(), "no-slurm.conf") },
  });
  await registerPipelines(ctx);
  alice = await createTestUser(ctx, "submitter");
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

describe("hpc-accounts, the list of fastq-qc's hpcAccount", () => {
  it("uses sacctmgr when Slurm is configured, else the demo CSV", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "runport-slurm-"));
    try {
      writeFileSync(path.join(dir, "sacctmgr"), "#!/bin/sh\n", { mode: 0o755 });
      const conf = path.join(dir, "slurm.conf");
      const source = (env: Record<string, string>) => defaultHpcAccountsSource(env).kind;
      // The client alone (no configuration) would fail every refresh.
      expect(source({ PATH: dir, SLURM_CONF: conf })).toBe("file");
      writeFileSync(conf, "ClusterName=test\n");
      expect(source({ PATH: dir, SLURM_CONF: conf })).toBe("command");
      expect(source({ PATH: "/nowhere", SLURM_CONF: conf })).toBe("file");
      expect(defaultHpcAccountsSource({ PATH: "/nowhere" })).toMatchObject({
        path: expect.stringMatching(/lists\/demo-hpc-accounts\.csv$/) as string,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
