import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { holdLocalProcess, startLocalProcess, type RunningProcess } from "./local-executor";
import {
  createLauncherPool,
  LAUNCHER_SCRIPT,
  launchersWaiting,
  PERL,
  type LauncherPool,
} from "./process-launcher";

let dir: string;
let pool: LauncherPool | null = null;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "runport-launcher-"));
});

afterEach(() => {
  pool?.close();
  pool = null;
  rmSync(dir, { recursive: true, force: true });
});

/** A pool whose `size` launchers are all waiting. */
async function readyPool(size: number): Promise<LauncherPool> {
  pool = createLauncherPool({ size });
  await launchersWaiting(pool, size);
  return pool;
}

async function output(child: RunningProcess) {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (text: string) => (stdout += text));
  child.stderr.on("data", (text: string) => (stderr += text));
  const exit = await child.exited;
  return { stdout, stderr, exit };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Pids of the launchers this process started that wait (perl children of ours). */
function pidsOfLaunchers(): number[] {
  const out = execFileSync("ps", ["-o", "pid=,ppid=,comm=", "-e"], { encoding: "utf8" });
  return out
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, comm]) => Number(ppid) === process.pid && comm === "perl")
    .map(([pid]) => Number(pid));
}

describe("a run started by a waiting launcher", () => {
  it("gets exactly its argv, cwd and environment, and its pid and exit code", async () => {
    const launchers = await readyPool(1);
    const script = `console.log(JSON.stringify({ argv: process.argv.slice(1), cwd: process.cwd(), env: process.env, pid: process.pid })); console.error("err"); process.exit(3)`;
    const env = { PATH: "/usr/bin:/bin", RUNPORT_TEST: "a b\n'c' $HOME ;=x" };
    const child = startLocalProcess(
      { argv: [process.execPath, "-e", script, "it's", "$(x)", ""], cwd: dir, env },
      launchers,
    );
    expect(await child.startedAt).toBeInstanceOf(Date);
    const { stdout, stderr, exit } = await output(child);
    const report = JSON.parse(stdout) as { argv: string[]; cwd: string; env: object; pid: number };
    expect(report.argv).toEqual(["it's", "$(x)", ""]);
    expect(report.cwd).toBe(dir);
    expect(report.env).toEqual(env);
    expect(report.pid).toBe(child.pid);
    expect(stderr).toBe("err\n");
    expect(exit).toEqual({ exitCode: 3, signal: null, spawnError: null });
  });

  it("reports a program that cannot be started as spawn() does: ENOENT, no pid", async () => {
    const launchers = await readyPool(1);
    const program = path.join(dir, "missing-program");
    const child = startLocalProcess({ argv: [program, "--flag"], cwd: dir, env: {} }, launchers);
    const { exit } = await output(child);
    expect(exit.exitCode).toBeNull();
    expect(exit.signal).toBeNull();
    expect(exit.spawnError).toMatchObject({ code: "ENOENT", message: `spawn ${program} ENOENT` });
    expect(child.pid).toBeUndefined();
  });

  it("signals the whole process group, as a cancel does", async () => {
    const launchers = await readyPool(1);
    const script = `require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }); console.log("up"); setInterval(() => {}, 1000)`;
    const child = startLocalProcess(
      { argv: [process.execPath, "-e", script], cwd: dir, env: {} },
      launchers,
    );
    await new Promise((resolve) => child.stdout.once("data", resolve));
    child.signalGroup("SIGTERM");
    const exit = await child.exited;
    expect(exit).toMatchObject({ signal: "SIGTERM", spawnError: null });
  });

  it("replaces a taken launcher, drops one that died while waiting, and none outlive close()", async () => {
    const launchers = await readyPool(2);
    const waiting = pidsOfLaunchers();
    expect(waiting).toHaveLength(2);
    process.kill(waiting[0]!, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const child = startLocalProcess(
      { argv: [process.execPath, "-e", "console.log(process.pid)"], cwd: dir, env: {} },
      launchers,
    );
    const { stdout } = await output(child);
    expect(Number(stdout)).toBe(waiting[1]); // the live one ran it
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(pidsOfLaunchers()).toHaveLength(2); // refilled
    launchers.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(pidsOfLaunchers().filter(alive)).toEqual([]);
  });

  it("a launcher whose worker was killed (-9) exits instead of waiting for ever", async () => {
    // A stand-in worker: starts one launcher, prints its pid, and is then killed.
    const parent = spawn(
      process.execPath,
      [
        "-e",
        `const c = require("child_process").spawn(${JSON.stringify(PERL)}, ["-e", process.env.LAUNCHER], { detached: true, stdio: ["pipe", "ignore", "ignore", "pipe"] }); console.log(c.pid); setInterval(() => {}, 1000)`,
      ],
      {
        env: { LAUNCHER: LAUNCHER_SCRIPT } as unknown as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    const pid = Number(
      await new Promise<string>((r) => parent.stdout.once("data", (b: Buffer) => r(String(b)))),
    );
    expect(alive(pid)).toBe(true);
    parent.kill("SIGKILL");
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
  });
});

describe("a command held by a launcher (started while the claim commits)", () => {
  const marker = () => path.join(dir, "ran");
  const touch = (cwd: string) => ({
    argv: [
      process.execPath,
      "-e",
      `require("fs").writeFileSync(${JSON.stringify(marker())}, process.cwd())`,
    ],
    cwd,
    env: {},
  });

  it("runs only once released, in a folder that did not exist when it was handed over", async () => {
    const launchers = await readyPool(1);
    const cwd = path.join(dir, "attempt-1");
    const held = holdLocalProcess(touch(cwd), launchers);
    expect(held).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(marker())).toBe(false);
    mkdirSync(cwd);
    const child = held!.release()!;
    const { exit } = await output(child);
    expect(exit).toEqual({ exitCode: 0, signal: null, spawnError: null });
    expect(readFileSync(marker(), "utf8")).toBe(cwd);
    expect(() => held!.abandon()).toThrow(/already/);
  });

  it("is not released when its launcher died while holding it: nothing ran", async () => {
    const launchers = await readyPool(1);
    const [pid] = pidsOfLaunchers();
    const held = holdLocalProcess(touch(dir), launchers)!;
    process.kill(pid!, "SIGKILL");
    const deadline = Date.now() + 5000;
    while (alive(pid!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((resolve) => setTimeout(resolve, 100)); // its exit is seen
    expect(held.release(), "start it another way").toBeNull();
    expect(existsSync(marker())).toBe(false);
  });

  it("never runs when abandoned, and its launcher exits", async () => {
    const launchers = await readyPool(1);
    const [pid] = pidsOfLaunchers();
    const held = holdLocalProcess(touch(dir), launchers)!;
    held.abandon();
    const deadline = Date.now() + 5000;
    while (alive(pid!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid!)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(marker())).toBe(false);
  });

  it("never runs when its worker dies (-9) before releasing it", async () => {
    // A stand-in worker: hands a command to a launcher without the go, then is killed.
    const records = [dir, "3", ...touch(dir).argv, "PATH=/usr/bin:/bin", ""];
    const parent = spawn(
      process.execPath,
      [
        "-e",
        `const c = require("child_process").spawn(${JSON.stringify(PERL)}, ["-e", process.env.LAUNCHER], { detached: true, stdio: ["pipe", "ignore", "ignore", "pipe"] }); c.stdin.write(${JSON.stringify(records.map((r) => `${r}\0`).join(""))}); console.log(c.pid); setInterval(() => {}, 1000)`,
      ],
      {
        env: { LAUNCHER: LAUNCHER_SCRIPT } as unknown as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    const pid = Number(
      await new Promise<string>((r) => parent.stdout.once("data", (b: Buffer) => r(String(b)))),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alive(pid)).toBe(true); // holding
    parent.kill("SIGKILL");
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
    expect(existsSync(marker())).toBe(false);
  });
});
