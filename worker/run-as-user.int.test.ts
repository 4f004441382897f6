import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOutputs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { getRunLogs } from "@/server/runs/get-run-logs";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { submit, waitForStatus } from "@/test/runs";
import { writeEnvFile } from "@/scripts/ops/env-file";
import { refuseSlurmWithRunAs, resolveRunAsUser } from "./run-as-user";
import { startWorker, type WorkerHandle } from "./start-worker";

// Pipelines run as RUN_AS_USER (finding 11 of issue 10). Only root can switch users: these
// tests run as root here and on CI, and are skipped otherwise.
const isRoot = process.getuid?.() === 0;
const hasChattr = isRoot && existsSync("/usr/bin/chattr");
const runUser = `rp-t-${randomBytes(4).toString("hex")}`;

interface ProbeReport {
  uid: number;
  gid: number;
  groups: number[];
  home: string;
  read: Record<string, string>;
  list: Record<string, string>;
}

describe.skipIf(!isRoot)("pipelines running as RUN_AS_USER (needs root to switch users)", () => {
  let ctx: AppContext;
  let worker: WorkerHandle;
  let alice: TestUser;
  let runsDir: string;
  let projectDir: string;
  let uid: number;

  beforeAll(async () => {
    execFileSync("useradd", [
      "--system",
      "--no-create-home",
      "--shell",
      "/usr/sbin/nologin",
      runUser,
    ]);
    uid = Number(execFileSync("id", ["-u", runUser], { encoding: "utf8" }).trim());
    // A checkout as on a server: open to others, with the .env `npm run up` writes.
    projectDir = mkdtempSync(path.join(tmpdir(), "runport-project-"));
    chmodSync(projectDir, 0o755);
    writeEnvFile(path.join(projectDir, ".env"), "AUTH_SECRET=not-for-pipelines\n");
    writeFileSync(path.join(projectDir, "README.md"), "anyone may read this\n", { mode: 0o644 });
    runsDir = mkdtempSync(path.join(tmpdir(), "runport-runs-"));
    ctx = createTestContext({ runsDir, runAsUser: runUser });
    const pipelines = await registerPipelines(ctx);
    alice = await createTestUser(ctx);
    worker = startWorker(ctx, pipelines);
  });

  afterAll(async () => {
    await worker?.stop();
    await ctx?.queue.obliterate({ force: true });
    await ctx?.close();
    for (const dir of [runsDir, projectDir]) if (dir) rmSync(dir, { recursive: true, force: true });
    execFileSync("userdel", [runUser]);
  });

  const probe = async (config: { readFiles?: string[]; listFolders?: string[] }) => {
    const id = await submit(ctx, alice.principal, "sandbox-probe", config);
    const run = await waitForStatus(ctx, id, ["succeeded", "failed", "error"]);
    const workDir = path.join(runsDir, id, "attempt-1");
    const report = JSON.parse(
      readFileSync(path.join(workDir, "outputs", "report.json"), "utf8"),
    ) as ProbeReport;
    return { id, run, workDir, report };
  };

  it("runs as that user, without groups, at home in its folder; .env is out of reach, and its log and outputs are collected", async () => {
    const env = path.join(projectDir, ".env");
    const readme = path.join(projectDir, "README.md");
    const { id, run, workDir, report } = await probe({ readFiles: [env, readme] });
    expect(run.status).toBe("succeeded");
    expect(report.uid).toBe(uid);
    expect(report.uid).not.toBe(0);
    expect(report.gid).not.toBe(0);
    expect(report.groups.filter((g) => g !== report.gid)).toEqual([]);
    expect(report.home).toBe(workDir);
    expect(report.read).toEqual({ [env]: "EACCES", [readme]: "ok" });
    expect(statSync(env).mode & 0o777).toBe(0o600);

    const log = await getRunLogs(ctx, { principal: alice.principal, runId: id, cursor: 0 });
    expect(log.text).toContain(`probe uid=${uid}`);
    const outputs = await ctx.db
      .select({ path: runOutputs.path, stored: runOutputs.stored })
      .from(runOutputs)
      .where(and(eq(runOutputs.runId, run.id), eq(runOutputs.attempt, 1)));
    expect(outputs).toEqual([{ path: "report.json", stored: true }]);
  });

  it("hands a samplesheet's CSV to the run user as its own, like config.json", async () => {
    const example = JSON.parse(
      readFileSync("pipelines/fastq-subsample/example.json", "utf8"),
    ) as object;
    const id = await submit(ctx, alice.principal, "fastq-subsample@1.0.0", example);
    const run = await waitForStatus(ctx, id, ["succeeded", "failed", "error"]);
    expect(run.status).toBe("succeeded");
    const csv = statSync(path.join(runsDir, id, "attempt-1", "input.csv"));
    expect([csv.uid, csv.mode & 0o777]).toEqual([uid, 0o600]);
  });

  it("keeps runs apart: the runs folder cannot be listed, a finished run's folder cannot be entered", async () => {
    const first = await probe({});
    expect(first.run.status).toBe("succeeded");
    const config = path.join(first.workDir, "config.json");
    const second = await probe({
      readFiles: [config, path.join(first.workDir, "outputs", "report.json")],
      listFolders: [runsDir, path.join(runsDir, first.id), first.workDir],
    });
    expect(second.run.status).toBe("succeeded");
    expect(second.report.read).toEqual({
      [config]: "EACCES",
      [path.join(first.workDir, "outputs", "report.json")]: "EACCES",
    });
    expect(second.report.list).toEqual({
      [runsDir]: "EACCES",
      [path.join(runsDir, first.id)]: "EACCES",
      [first.workDir]: "EACCES",
    });
    expect(statSync(runsDir).mode & 0o777).toBe(0o711);
    expect(statSync(first.workDir).uid).toBe(0);
    expect(statSync(first.workDir).mode & 0o777).toBe(0o700);
  });

  // chattr +i stands for any failure to close the folder (root cannot chown an immutable one).
  it.skipIf(!hasChattr)(
    "ends the attempt in error, its outputs unread, when its working folder cannot be closed to the run user",
    async () => {
      const id = await submit(ctx, alice.principal, "slow-timeout", {});
      const workDir = path.join(runsDir, id, "attempt-1");
      const deadline = Date.now() + 5000;
      // Handed to the run user last: the process starts right after.
      while (statSync(workDir, { throwIfNoEntry: false })?.uid !== uid) {
        if (Date.now() > deadline) throw new Error("the attempt folder never came");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      execFileSync("chattr", ["+i", workDir]);
      try {
        const run = await waitForStatus(ctx, id, ["succeeded", "failed", "error"]);
        expect(run.status).toBe("error");
        expect(run.error).toMatch(/could not close the working folder to the run user/);
        const log = await getRunLogs(ctx, { principal: alice.principal, runId: id, cursor: 0 });
        expect(log.text).toContain("the outputs were not read");
        expect(log.text).not.toMatch(/recorded \d+ output/);
      } finally {
        execFileSync("chattr", ["-i", workDir]);
      }
    },
  );

  it("refuses to start a worker whose runs folder that user cannot reach", async () => {
    const closed = mkdtempSync(path.join(tmpdir(), "runport-closed-")); // mode 0700
    const other = createTestContext({ runsDir: path.join(closed, "runs"), runAsUser: runUser });
    try {
      expect(() => startWorker(other, [])).toThrow(
        new RegExp(
          `RUN_AS_USER=${runUser}: could not start a process as that user in ${closed}/runs`,
        ),
      );
    } finally {
      await other.close();
      rmSync(closed, { recursive: true, force: true });
    }
  });
});

describe("a worker whose RUN_AS_USER cannot be used", () => {
  it("refuses to start, saying why", () => {
    expect(() => resolveRunAsUser("runport-run", 1000)).toThrow(
      /RUN_AS_USER=runport-run is set, but the worker runs as uid 1000: only root can start pipelines as another user/,
    );
    if (!isRoot) return; // the lookups below run only after the root check
    expect(() => resolveRunAsUser("no-such-user-rp", 0)).toThrow(
      /RUN_AS_USER=no-such-user-rp: there is no such user on this machine/,
    );
    expect(() => resolveRunAsUser("root", 0)).toThrow(/must not run as root/);
  });

  it.skipIf(!isRoot)("startWorker throws before it takes any run", async () => {
    const ctx = createTestContext({ runAsUser: "no-such-user-rp" });
    try {
      expect(() => startWorker(ctx, [])).toThrow(/no such user/);
    } finally {
      await ctx.close();
    }
  });

  it("refuses RUN_AS_USER with a Slurm pipeline (sbatch would run it as the worker's user)", async () => {
    const ctx = createTestContext({});
    try {
      const pipelines = await registerPipelines(ctx, [
        path.resolve("test/fixtures/slurm-pipelines"),
      ]);
      const user = { name: "runport-run", uid: 998, gid: 998 };
      expect(() => refuseSlurmWithRunAs(user, pipelines)).toThrow(
        /RUN_AS_USER=runport-run cannot be honoured for the Slurm pipelines slurm-probe@1\.0\.0: sbatch submits jobs as the worker's user/,
      );
      expect(() => refuseSlurmWithRunAs(null, pipelines)).not.toThrow();
      if (!isRoot) return;
      // A real user (resolveRunAsUser needs one): the worker throws before it takes any run.
      execFileSync("useradd", [
        "--system",
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        `${runUser}s`,
      ]);
      try {
        const withUser = createTestContext({ runAsUser: `${runUser}s` });
        try {
          expect(() => startWorker(withUser, pipelines)).toThrow(
            /cannot be honoured for the Slurm pipelines/,
          );
        } finally {
          await withUser.close();
        }
      } finally {
        execFileSync("userdel", [`${runUser}s`]);
      }
    } finally {
      await ctx.close();
    }
  });
});
