import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { inject } from "vitest";

const exec = promisify(execFile);

/** The CLI as an operator runs it (`npm run user -- ...`), against the stack's database. */
export async function cli(...args: string[]): Promise<string> {
  const { stdout } = await exec(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...args], {
    env: { ...process.env, ...inject("stackEnv"), LOG_LEVEL: "warn" },
  });
  return stdout.trim();
}

/** curl, returning the status and body (the way a script would call the API). */
export async function curl(
  args: string[],
  cwd = process.cwd(),
): Promise<{ status: number; body: string }> {
  const { stdout } = await exec(
    "curl",
    ["--silent", "--show-error", "--write-out", "\n%{http_code}", ...args],
    { cwd },
  );
  const newline = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(newline + 1)), body: stdout.slice(0, newline) };
}
