import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunRow } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { loadPipelineDefinitions } from "@/server/pipelines/load-pipeline-definitions";
import { dropEarlyStart, prepareEarlyStart, takeEarlyStart } from "./early-start";
import type { ExecuteRunDeps } from "./execute-run";
import {
  createLauncherPool,
  launchersWaiting,
  type LauncherPool,
} from "./executors/process-launcher";
import { attemptDirPrefix } from "./run-command";

const [hello] = loadPipelineDefinitions([path.resolve("pipelines/hello")]).pipelines;
const publicId = "run_early_start_test";
const config = JSON.stringify({ name: "early", steps: 1 });

let runsDir: string;
let launchers: LauncherPool;
let deps: ExecuteRunDeps;

/** Launchers of this process that wait (perl children of ours). */
const launcherPids = () =>
  execFileSync("ps", ["-o", "pid=,ppid=,comm=", "-e"], { encoding: "utf8" })
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, comm]) => Number(ppid) === process.pid && comm === "perl")
    .map(([pid]) => Number(pid));

beforeEach(async () => {
  runsDir = mkdtempSync(path.join(tmpdir(), "runport-early-"));
  launchers = createLauncherPool({ size: 1 });
  await launchersWaiting(launchers, 1);
  deps = {
    ctx: {
      config: { childEnv: { PATH: "/usr/bin:/bin" }, dataRoots: [] },
    } as unknown as AppContext,
    worker: { workerId: "w", host: "h" },
    pipelines: new Map([[`${hello!.name}@${hello!.version}`, hello!]]),
    active: new Map(),
    pipelineLimits: new Map(),
    runAs: null,
    launchers,
  };
});

afterEach(() => {
  launchers.close();
  rmSync(runsDir, { recursive: true, force: true });
});

const row = (o: Partial<RunRow> = {}) =>
  ({
    publicId,
    status: "queued",
    attempt: 0,
    pipelineName: hello!.name,
    pipelineVersion: hello!.version,
    config,
    ...o,
  }) as RunRow;

describe("the start prepared while the claim commits", () => {
  it("becomes the attempt's folder and process once the claim of that attempt answers", async () => {
    const prefix = attemptDirPrefix(runsDir, publicId);
    const early = prepareEarlyStart(deps, row(), prefix)!;
    expect(early.held).not.toBeNull();
    expect(existsSync(`${prefix}1`)).toBe(false); // not the run's until claimed
    expect(readFileSync(path.join(early.staging, "config.json"), "utf8")).toBe(config);
    const ready = takeEarlyStart(early, { attempt: 1, workDir: `${prefix}1` })!;
    expect(readdirSync(path.dirname(prefix))).toEqual(["attempt-1"]);
    const child = ready.held!.release()!;
    let stdout = "";
    child.stdout.on("data", (text: string) => (stdout += text));
    child.stderr.resume();
    expect(await child.exited).toEqual({ exitCode: 0, signal: null, spawnError: null });
    expect(stdout).toContain("early");
    expect(existsSync(path.join(`${prefix}1`, "outputs", "greeting.txt"))).toBe(true);
  });

  it("is thrown away when another attempt was claimed, or its folder exists: nothing runs, nothing is left", async () => {
    const prefix = attemptDirPrefix(runsDir, publicId);
    const [waiting] = launcherPids();
    const early = prepareEarlyStart(deps, row(), prefix)!;
    expect(takeEarlyStart(early, { attempt: 2, workDir: `${prefix}2` })).toBeNull();
    expect(readdirSync(path.dirname(prefix))).toEqual([]);
    const deadline = Date.now() + 5000;
    while (launcherPids().includes(waiting!) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(launcherPids()).not.toContain(waiting); // exited without running hello

    // A folder for attempt 1 is there already, not empty (left by a crash): left as it is.
    await launchersWaiting(launchers, 1); // the replacement
    const second = prepareEarlyStart(deps, row(), prefix)!;
    mkdirSync(`${prefix}1`);
    writeFileSync(path.join(`${prefix}1`, "config.json"), "theirs");
    expect(takeEarlyStart(second, { attempt: 1, workDir: `${prefix}1` })).toBeNull();
    expect(readdirSync(path.dirname(prefix))).toEqual(["attempt-1"]);
    expect(readFileSync(path.join(`${prefix}1`, "config.json"), "utf8")).toBe("theirs");
  });

  it("is not prepared for a run that is not queued, or whose pipeline this worker lacks", () => {
    const prefix = attemptDirPrefix(runsDir, publicId);
    expect(prepareEarlyStart(deps, row({ status: "running" }), prefix)).toBeNull();
    expect(prepareEarlyStart(deps, row({ pipelineVersion: "9.9.9" }), prefix)).toBeNull();
    const early = prepareEarlyStart(deps, row({ attempt: 2 }), prefix)!;
    expect(early.attempt).toBe(3);
    dropEarlyStart(early);
    expect(existsSync(path.dirname(prefix)) ? readdirSync(path.dirname(prefix)) : []).toEqual([]);
  });
});
