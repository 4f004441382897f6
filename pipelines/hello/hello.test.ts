import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";

const PIPELINE_DIR = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(PIPELINE_DIR, "hello.mjs");
const tempRoot = mkdtempSync(path.join(os.tmpdir(), "runport-hello-test-"));
let runCount = 0;

afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputsDir: string;
  elapsedMs: number;
}

interface Summary {
  name: string;
  greeting: string;
  steps: number;
  exitCode: number;
  runId: string | null;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8")) as unknown;
}

/**
 * Runs hello.mjs the way the worker does: argv without a shell, cwd = a fresh attempt
 * directory, and exactly the documented environment variables.
 */
function runHello(
  config: unknown,
  options: { onStdout?: (text: string, kill: () => void) => void } = {},
): Promise<RunResult> {
  runCount++;
  const runId = `run-${runCount}`;
  const workDir = path.join(tempRoot, runId, "attempt-1");
  const outputsDir = path.join(workDir, "outputs");
  mkdirSync(outputsDir, { recursive: true });
  const configPath = path.join(workDir, "config.json");
  writeFileSync(configPath, JSON.stringify(config));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: workDir,
    LANG: "C.UTF-8",
    TZ: "UTC",
    TMPDIR: os.tmpdir(),
    RUNPORT_RUN_ID: runId,
    RUNPORT_ATTEMPT: "1",
    RUNPORT_CONFIG: configPath,
    RUNPORT_WORK_DIR: workDir,
    RUNPORT_OUTPUTS_DIR: outputsDir,
    RUNPORT_PIPELINE: "hello",
    RUNPORT_PIPELINE_VERSION: "1.0.0",
    RUNPORT_PIPELINE_DIR: PIPELINE_DIR,
    RUNPORT_DATA_ROOTS: "",
  };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], {
      cwd: workDir,
      env: env as NodeJS.ProcessEnv,
      stdio: "pipe",
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      out.push(chunk);
      options.onStdout?.(chunk.toString("utf8"), () => child.kill("SIGTERM"));
    });
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        outputsDir,
        elapsedMs: Date.now() - started,
      }),
    );
  });
}

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line !== "");
}

function progressLines(stdout: string): { percent: number; message: string }[] {
  return lines(stdout)
    .map((line) => /^::progress (\d+(?:\.\d+)?) (.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ percent: Number(match[1]), message: match[2] ?? "" }));
}

describe("hello pipeline", () => {
  it("greets, reports progress at each step and writes its outputs", async () => {
    const result = await runHello({ name: "world", steps: 4 });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(lines(result.stdout)[0]).toBe("Hello, world!");
    expect(progressLines(result.stdout)).toEqual([
      { percent: 25, message: "Step 1 of 4" },
      { percent: 50, message: "Step 2 of 4" },
      { percent: 75, message: "Step 3 of 4" },
      { percent: 100, message: "Step 4 of 4" },
    ]);
    expect(readFileSync(path.join(result.outputsDir, "greeting.txt"), "utf8")).toBe(
      "Hello, world!\n",
    );
    const summary = readJson(path.join(result.outputsDir, "summary.json")) as Summary;
    expect(summary).toEqual({
      name: "world",
      greeting: "Hello",
      steps: 4,
      exitCode: 0,
      runId: `run-${runCount}`,
    });
  });

  it("applies the documented defaults (5 steps, exit 0)", async () => {
    const result = await runHello({ name: "Ada", pipeline: "hello@1.0.0", project: "demo" });
    expect(result.code).toBe(0);
    expect(progressLines(result.stdout).map((p) => p.percent)).toEqual([20, 40, 60, 80, 100]);
  });

  it("ends with the requested exit code and still writes its outputs", async () => {
    const result = await runHello({ name: "Bob", greeting: "Bonjour", steps: 1, exitCode: 3 });
    expect(result.code).toBe(3);
    expect(lines(result.stdout)[0]).toBe("Bonjour, Bob!");
    expect(result.stderr).toContain("code 3");
    const summary = readJson(path.join(result.outputsDir, "summary.json")) as Summary;
    expect(summary.exitCode).toBe(3);
    expect(summary.greeting).toBe("Bonjour");
  });

  it("prints exactly `lines` numbered log lines, in order", async () => {
    const count = 50_000;
    const result = await runHello({ name: "logs", steps: 1, lines: count });
    expect(result.code).toBe(0);
    const numbered = lines(result.stdout).filter((line) => line.startsWith("log line "));
    expect(numbered).toHaveLength(count);
    expect(numbered[0]).toBe(`log line 1 of ${count}`);
    expect(numbered[count - 1]).toBe(`log line ${count} of ${count}`);
    expect(numbered.every((line, i) => line === `log line ${i + 1} of ${count}`)).toBe(true);
  });

  it("spreads sleepSeconds over the steps", async () => {
    const result = await runHello({ name: "slow", sleepSeconds: 0.3, steps: 3 });
    expect(result.code).toBe(0);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(300);
    expect(progressLines(result.stdout)).toHaveLength(3);
  });

  it("stops promptly on SIGTERM", async () => {
    let killed = false;
    const result = await runHello(
      { name: "sleepy", sleepSeconds: 60, steps: 2 },
      {
        onStdout: (text, kill) => {
          if (!killed && text.includes("Hello, sleepy!")) {
            killed = true;
            kill();
          }
        },
      },
    );
    expect(result.signal).toBe("SIGTERM");
    expect(result.elapsedMs).toBeLessThan(5000);
  });

  it.each([
    [{ greeting: "Hi" }, "config.name is required"],
    [{ name: "" }, "config.name must have 1 to 100 characters"],
    [{ name: "x", steps: 0 }, "config.steps must be between 1 and 1000"],
    [{ name: "x", exitCode: 2.5 }, "config.exitCode must be an integer"],
    [{ name: "x", colour: "red" }, "unknown config field(s): colour"],
    [{ name: "x", pipeline: "other@1.0.0" }, "config.pipeline must match"],
    [["name"], "the config must be a JSON object"],
  ])("rejects the invalid config %j with exit code 2", async (config, message) => {
    const result = await runHello(config);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(existsSync(path.join(result.outputsDir, "greeting.txt"))).toBe(false);
  });
});

describe("hello definition", () => {
  const definition = readJson(path.join(PIPELINE_DIR, "pipeline.json")) as Record<string, unknown>;
  const schema = readJson(path.join(PIPELINE_DIR, "schema.json")) as Record<string, unknown>;
  const example = readJson(path.join(PIPELINE_DIR, "example.json"));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it("pipeline.json follows the definition format", () => {
    const allowed = [
      "name",
      "version",
      "title",
      "description",
      "command",
      "schema",
      "example",
      "timeoutSeconds",
      "retries",
      "executor",
      "dev",
    ];
    expect(Object.keys(definition).filter((key) => !allowed.includes(key))).toEqual([]);
    expect(definition).toMatchObject({
      name: "hello",
      version: "1.0.0",
      command: ["node", "{pipelineDir}/hello.mjs"],
      schema: "schema.json",
      example: "example.json",
    });
  });

  it("example.json validates against schema.json", () => {
    expect(example).toEqual({ name: "world", sleepSeconds: 2, steps: 4 });
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it("schema.json documents every field", () => {
    const properties = schema.properties as Record<string, { description?: string }>;
    for (const [key, property] of Object.entries(properties)) {
      expect(property.description, key).toMatch(/\S/);
    }
  });

  it.each([
    [{}],
    [{ name: "" }],
    [{ name: "x".repeat(101) }],
    [{ name: "x", steps: 0 }],
    [{ name: "x", steps: 1.5 }],
    [{ name: "x", exitCode: 256 }],
    [{ name: "x", lines: 10_000_001 }],
    [{ name: "x", sleepSeconds: -1 }],
    [{ name: "x", pipeline: "fastq-qc@1.0.0" }],
    [{ name: "x", colour: "red" }],
  ])("schema rejects %j", (config) => {
    expect(validate(config)).toBe(false);
  });

  it("schema accepts old-portal style bodies that name the pipeline", () => {
    expect(validate({ pipeline: "hello@1.0.0", project: "demo", name: "world" })).toBe(true);
    expect(validate({ pipeline: "hello", name: "world", exitCode: 255, lines: 0 })).toBe(true);
  });
});
