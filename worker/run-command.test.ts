import { describe, expect, it } from "vitest";
import { attemptDirPrefix, buildArgv, buildEnv } from "./run-command";

const paths = {
  pipelineDir: "/p/hello",
  workDir: "/runs/r1/attempt-1",
  configPath: "/runs/r1/attempt-1/config.json",
  outputsDir: "/runs/r1/attempt-1/outputs",
  runId: "r1",
};

describe("pipeline commands", () => {
  it("replaces only the platform placeholders and resolves node to this Node", () => {
    const argv = buildArgv(
      {
        name: "h",
        version: "1.0.0",
        timeoutSeconds: 1,
        retries: 0,
        executor: "local",
        command: [
          "node",
          "{pipelineDir}/x.mjs",
          "--config={configPath}",
          "{unknown}",
          "$(rm -rf /)",
        ],
      },
      paths,
    );
    expect(argv).toEqual([
      process.execPath,
      "/p/hello/x.mjs",
      "--config=/runs/r1/attempt-1/config.json",
      "{unknown}",
      "$(rm -rf /)",
    ]);
  });

  it("gives the process its RUNPORT_* variables and the base environment only", () => {
    const env = buildEnv(
      { PATH: "/usr/bin" },
      {
        ...paths,
        attempt: 2,
        pipeline: "hello",
        version: "1.0.0",
        dataRoots: ["/data", "/scratch"],
      },
    );
    expect(env).toEqual({
      PATH: "/usr/bin",
      RUNPORT_RUN_ID: "r1",
      RUNPORT_ATTEMPT: "2",
      RUNPORT_CONFIG: paths.configPath,
      RUNPORT_WORK_DIR: paths.workDir,
      RUNPORT_OUTPUTS_DIR: paths.outputsDir,
      RUNPORT_PIPELINE: "hello",
      RUNPORT_PIPELINE_VERSION: "1.0.0",
      RUNPORT_PIPELINE_DIR: "/p/hello",
      RUNPORT_DATA_ROOTS: "/data:/scratch",
      RUNPORT_WORKER_PID: String(process.pid),
    });
    expect(attemptDirPrefix("/runs", "r1")).toBe("/runs/r1/attempt-");
  });
});
