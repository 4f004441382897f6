import { spawn, spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { groupMembers, isOrphanGroup } from "./reap-orphans";

const started: number[] = [];

afterEach(() => {
  for (const pgid of started.splice(0)) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

const env = (workerPid: number, attempt = 1) => ({
  ...process.env,
  RUNPORT_RUN_ID: "01testrun",
  RUNPORT_ATTEMPT: String(attempt),
  RUNPORT_WORKER_PID: String(workerPid),
});

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 150));
}

describe.runIf(process.platform === "linux")("isOrphanGroup", () => {
  it("leaves alone a group whose worker (its parent) is alive, and another attempt's group", async () => {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
      detached: true,
      stdio: "ignore",
      env: env(process.pid),
    });
    started.push(child.pid!);
    await settle();
    expect(groupMembers(child.pid!)).toEqual([child.pid]);
    expect(isOrphanGroup(child.pid!, "01testrun", 1)).toBeNull();
    expect(isOrphanGroup(child.pid!, "01testrun", 2)).toBeNull();
    expect(isOrphanGroup(child.pid!, "01otherrun", 1)).toBeNull();
  });

  it("finds a group whose worker died (the group was re-parented)", async () => {
    // A stand-in worker starts a pipeline in its own group, prints its pid, and exits.
    const script = `
      const { spawn } = require("node:child_process");
      const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
        detached: true, stdio: "ignore",
        env: { ...process.env, RUNPORT_WORKER_PID: String(process.pid) },
      });
      console.log(child.pid);
      process.exit(0);`;
    const out = spawnSync(process.execPath, ["-e", script], {
      env: { ...env(0), RUNPORT_WORKER_PID: "" },
      encoding: "utf8",
    });
    const pgid = Number(out.stdout.trim());
    started.push(pgid);
    await settle();
    expect(groupMembers(pgid)).toEqual([pgid]);
    const orphan = isOrphanGroup(pgid, "01testrun", 1);
    expect(orphan?.workerPid).toBe(out.pid);
  });
});
