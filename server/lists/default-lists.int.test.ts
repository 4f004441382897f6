import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postCheckPaths } from "@/app/api/v1/pipelines/[name]/check-paths/route";
import { GET as getValues } from "@/app/api/v1/lists/[name]/values/route";
import type { ListValues } from "@/lib/contract/lists";
import type { PathCheckResult } from "@/lib/contract/pipelines";
import type { AppContext } from "@/server/context";
import { AppError } from "@/server/errors";
import { submitRun } from "@/server/runs/submit-run";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { defaultHpcAccounts, ensureDefaultLists } from "./ensure-default-lists";
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
  it("uses each user's Slurm accounts (sacctmgr, per user) when Slurm is configured, else the demo CSV", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "runport-slurm-"));
    try {
      writeFileSync(path.join(dir, "sacctmgr"), "#!/bin/sh\n", { mode: 0o755 });
      const conf = path.join(dir, "slurm.conf");
      const source = (env: Record<string, string>) => defaultHpcAccounts(env).source.kind;
      // The client alone (no configuration) would fail every refresh.
      expect(source({ PATH: dir, SLURM_CONF: conf })).toBe("file");
      writeFileSync(conf, "ClusterName=test\n");
      expect(source({ PATH: dir, SLURM_CONF: conf })).toBe("command");
      // sbatch runs as the worker's user: only the list stops a run charging another's account.
      expect(defaultHpcAccounts({ PATH: dir, SLURM_CONF: conf })).toEqual({
        source: {
          kind: "command",
          argv: ["sacctmgr", "-nP", "show", "assoc", "where", "user={username}", "format=account"],
          parse: { format: "lines" },
        },
        perUser: true,
      });
      expect(source({ PATH: "/nowhere", SLURM_CONF: conf })).toBe("file");
      expect(defaultHpcAccounts({ PATH: "/nowhere" })).toMatchObject({
        perUser: false,
        source: {
          path: expect.stringMatching(/lists\/demo-hpc-accounts\.csv$/) as string,
        },
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

  it("answers the editor: completions with labels, and unknown values marked with a suggestion", async () => {
    await refreshDueLists(ctx); // nothing due: defined and refreshed by the test above
    const headers = { authorization: basicAuth(alice.username, alice.token) };
    const found = await callRoute(getValues, {
      path: "/api/v1/lists/hpc-accounts/values?q=lab-0000&limit=2",
      headers,
      params: { name: "hpc-accounts" },
    });
    expect(((await found.json()) as ListValues).items).toEqual([
      { value: "lab-00001", label: "Demo lab (the example configs use it)" },
      { value: "lab-00002", label: "Genomics core" },
    ]);
    // The config as the editor sends it: the unknown account at its line and column.
    const text = JSON.stringify({ ...example, hpcAccount: "lab-0002" }, null, 2);
    const line = text.split("\n").findIndex((l) => l.includes('"hpcAccount"')) + 1;
    const checked = await callRoute(postCheckPaths, {
      method: "POST",
      path: "/api/v1/pipelines/fastq-qc/check-paths?version=1.0.0",
      headers: { ...headers, "content-type": "application/json" },
      params: { name: "fastq-qc" },
      body: text,
    });
    expect(checked.status).toBe(200);
    expect(((await checked.json()) as PathCheckResult).problems).toEqual([
      {
        path: "/hpcAccount",
        message: expect.stringMatching(
          /^is not a known value of the list hpc-accounts; did you mean "lab-00002"/,
        ) as string,
        line,
        column: 17,
      },
    ]);
  });
});
