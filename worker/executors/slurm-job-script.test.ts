import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HOSTILE_VALUES } from "@/test/slurm";
import { testTempDir } from "@/test/temp-dir";
import { jobScript, shellWord, slurmJobFiles } from "./slurm-job-script";

describe("the Slurm job script", () => {
  it("passes hostile argv and env values to the pipeline intact, writing its exit code", () => {
    const workDir = testTempDir("slurm-script");
    const argv = [
      process.execPath,
      "-e",
      "require('fs').writeFileSync('seen.json', JSON.stringify({ argv: process.argv.slice(1), env: process.env })); console.log('out'); console.error('err'); process.exit(7)",
      ...HOSTILE_VALUES,
    ];
    const env = { RUNPORT_RUN_ID: "$(id)'x", OTHER: "a\nb" };
    const script = jobScript({ argv, env, workDir, title: "run 1; attempt 1" });
    const files = slurmJobFiles(workDir);
    writeFileSync(files.script, script);
    const result = spawnSync("/bin/sh", [files.script], {
      env: { LEAK: "no" } as unknown as NodeJS.ProcessEnv,
    });
    expect(result.status).toBe(7);
    const seen = JSON.parse(readFileSync(`${workDir}/seen.json`, "utf8")) as {
      argv: string[];
      env: Record<string, string>;
    };
    expect(seen.argv).toEqual(HOSTILE_VALUES);
    expect(seen.env).toEqual(env); // env -i: nothing of the submitter's (LEAK) reaches it
    expect(readFileSync(files.exitCode, "utf8")).toBe("7\n");
    expect(readFileSync(files.stdout, "utf8")).toBe("out\n");
    expect(readFileSync(files.stderr, "utf8")).toBe("err\n");
  });

  it("refuses NUL, a program name env(1) would misread and bad variable names", () => {
    expect(() => shellWord("a\0b")).toThrow(/NUL/);
    const base = { env: {}, workDir: "/tmp", title: "t" };
    expect(() => jobScript({ ...base, argv: ["A=b", "x"] })).toThrow(/=/);
    expect(() => jobScript({ ...base, argv: ["true"], env: { "A B": "x" } })).toThrow(/name/);
  });
});
