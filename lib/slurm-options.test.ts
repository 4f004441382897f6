import { describe, expect, it } from "vitest";
import { ZPipelineFile } from "./pipeline-definition";
import { resolveSlurmJobOptions, sbatchOptionArguments, ZSlurmOptions } from "./slurm-options";

const base = { name: "p", version: "1.0.0", title: "P", command: ["true"], schema: {} };

describe("Slurm options in pipeline.json", () => {
  it("accepts an executor slurm with options and defaults the rest", () => {
    const spec = ZPipelineFile.parse({
      ...base,
      executor: "slurm",
      slurm: { partition: "debug", cpus: 2, extraArguments: ["--exclusive", "--nice=10"] },
    });
    expect(spec.slurm).toMatchObject({ partition: "debug", cpus: 2, runOptions: {} });
    expect(ZPipelineFile.parse(base).executor).toBe("local");
  });

  it("refuses Slurm options on a local pipeline, unknown keys and sbatch options off the allow-list", () => {
    const issues = (value: unknown) => [
      ...new Set(ZPipelineFile.safeParse(value).error?.issues.map((i) => i.path.join("."))),
    ];
    expect(issues({ ...base, slurm: {} })).toEqual(["slurm"]);
    expect(issues({ ...base, executor: "slurm", slurm: { nodes: 2 } })).toEqual(["slurm"]);
    for (const bad of [
      "--wrap=id",
      "--output=/etc/x",
      "--export=ALL",
      "--uid=0",
      "-A x",
      "--requeue",
    ]) {
      expect(issues({ ...base, executor: "slurm", slurm: { extraArguments: [bad] } })).toEqual([
        "slurm.extraArguments.0",
      ]);
    }
    expect(issues({ ...base, executor: "slurm", slurm: { account: "a;b" } })).toEqual([
      "slurm.account",
    ]);
    expect(
      issues({
        ...base,
        executor: "slurm",
        slurm: { runOptions: { partition: { property: "p" } } },
      }),
    ).toEqual(["slurm.runOptions.partition.allowed"]);
    expect(issues({ ...base, executor: "kubernetes" })).toEqual(["executor"]);
  });
});

describe("resolveSlurmJobOptions", () => {
  const options = ZSlurmOptions.parse({
    partition: "debug",
    account: "lab",
    memoryMb: 500,
    runOptions: {
      account: { property: "hpcAccount" },
      timeLimitMinutes: { property: "timeLimit", max: 120 },
      partition: { property: "queue", allowed: ["debug", "long"] },
    },
  });

  it("takes the pipeline's options and the time limit from its timeout", () => {
    const { job, problems } = resolveSlurmJobOptions(options, 3601, {});
    expect(problems).toEqual([]);
    expect(job).toEqual({
      partition: "debug",
      account: "lab",
      memoryMb: 500,
      timeLimitMinutes: 61,
      extraArguments: [],
    });
    expect(sbatchOptionArguments(job)).toEqual([
      "--time=61",
      "--partition=debug",
      "--mem=500M",
      "--account=lab",
    ]);
  });

  it("lets the config set what runOptions name, within limits", () => {
    const config = { hpcAccount: "proj_42", timeLimit: 30, queue: "long" };
    const { job, problems } = resolveSlurmJobOptions(options, 60, config);
    expect(problems).toEqual([]);
    expect(job).toMatchObject({ account: "proj_42", timeLimitMinutes: 30, partition: "long" });
  });

  it("points at each config value out of its limits", () => {
    const config = { hpcAccount: "x; rm -rf /", timeLimit: 121, queue: "gpu", cpus: 64 };
    const { problems } = resolveSlurmJobOptions(options, 60, config);
    expect(problems).toEqual([
      { path: "/hpcAccount", message: "must be a Slurm name: letters, digits, _ . - (at most 64)" },
      { path: "/queue", message: "must be one of debug, long" },
      { path: "/timeLimit", message: "must be a whole number from 1 to 120" },
    ]);
  });
});
