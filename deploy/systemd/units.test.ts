import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/server/env";

// The systemd units of deploy/systemd (docs/OPERATIONS.md, "systemd"): systemd's own check
// when systemd-analyze is installed, and in any case the keys an operator relies on.
const DIR = path.resolve("deploy/systemd");
const SERVICES = ["runport-web.service", "runport-worker@.service", "runport-beat.service"];

type Unit = Record<string, Record<string, string[]>>;

/** A unit file's sections and keys (a key may repeat; continuation lines are not used here). */
function parseUnit(file: string): Unit {
  const unit: Unit = {};
  let section = "";
  for (const raw of readFileSync(path.join(DIR, file), "utf8").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      unit[section] ??= {};
      continue;
    }
    const eq = line.indexOf("=");
    expect(eq, `${file}: "${line}"`).toBeGreaterThan(0);
    expect(section, `${file}: "${line}" outside a section`).not.toBe("");
    (unit[section]![line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
  }
  return unit;
}

const one = (unit: Unit, section: string, key: string) => unit[section]?.[key]?.at(-1);

describe("deploy/systemd units", () => {
  it("pass systemd-analyze verify (when systemd-analyze is installed)", (context) => {
    if (spawnSync("systemd-analyze", ["--version"]).error) return context.skip();
    const dir = mkdtempSync(path.join(tmpdir(), "runport-units-"));
    try {
      for (const file of [...SERVICES, "runport.target"])
        copyFileSync(path.join(DIR, file), path.join(dir, file));
      // A template is verified through an instance of it.
      copyFileSync(
        path.join(DIR, "runport-worker@.service"),
        path.join(dir, "runport-worker@1.service"),
      );
      const units = [
        "runport-web.service",
        "runport-worker@1.service",
        "runport-beat.service",
        "runport.target",
      ];
      const result = spawnSync(
        "systemd-analyze",
        ["verify", ...units.map((u) => path.join(dir, u))],
        {
          encoding: "utf8",
        },
      );
      // Any warning (an unknown key, a bad value: systemd ignores it and goes on) fails too.
      expect(`${result.stdout}${result.stderr}`.trim()).toBe("");
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("run each process as the dedicated user, hardened, restarted, from the environment file", () => {
    const ecosystem = readFileSync("ecosystem.config.js", "utf8");
    for (const file of SERVICES) {
      const unit = parseUnit(file);
      expect(one(unit, "Service", "User"), file).toBe("runport");
      expect(one(unit, "Service", "Group"), file).toBe("runport");
      expect(one(unit, "Service", "EnvironmentFile"), file).toBe("/etc/runport/runport.env");
      expect(one(unit, "Service", "WorkingDirectory"), file).toBe("/opt/runport");
      expect(one(unit, "Service", "Restart"), file).toBe("always");
      expect(one(unit, "Service", "NoNewPrivileges"), file).toBe("yes");
      expect(one(unit, "Service", "ProtectSystem"), file).toBe("strict");
      expect(one(unit, "Unit", "PartOf"), file).toBe("runport.target");
      expect(one(unit, "Install", "WantedBy"), file).toBe("runport.target");
      // The same script and node options as the PM2 process file.
      const exec = one(unit, "Service", "ExecStart")!.split(" ");
      expect(exec[0], file).toBe("/usr/bin/node");
      const script = exec.find((word) => /\.c?js$/.test(word))!;
      expect(ecosystem, file).toContain(`"${script}"`);
    }
    const target = parseUnit("runport.target");
    expect(one(target, "Unit", "Wants")!.split(" ").sort()).toEqual(
      ["runport-beat.service", "runport-web.service", "runport-worker@1.service"].sort(),
    );
    expect(one(target, "Install", "WantedBy")).toBe("multi-user.target");
  });

  it("stop a worker with the signal it drains on, to it alone, and wait long enough", () => {
    const worker = parseUnit("runport-worker@.service");
    // worker/run-process.ts drains on SIGTERM (and SIGINT); a second signal exits at once.
    expect(readFileSync("worker/run-process.ts", "utf8")).toContain('process.on("SIGTERM", stop)');
    expect(one(worker, "Service", "KillSignal")).toBe("SIGTERM");
    // Not control-group: the pipelines' process groups are the worker's to stop and hand back.
    expect(one(worker, "Service", "KillMode")).toBe("mixed");
    const defaults = loadConfig({ AUTH_SECRET: "x".repeat(32) });
    const needed = defaults.workerDrainSeconds + defaults.cancelGraceSeconds + 15;
    expect(Number(one(worker, "Service", "TimeoutStopSec"))).toBeGreaterThanOrEqual(needed);
    expect(worker.Service!.ReadWritePaths).toEqual(["/var/lib/runport/runs"]);
    expect(one(worker, "Service", "Environment")).toContain("WORKER_ID=%H-%i");
  });

  it("are named in docs/OPERATIONS.md with the commands to install them", () => {
    const operations = readFileSync("docs/OPERATIONS.md", "utf8");
    for (const file of [...SERVICES, "runport.target"]) expect(operations).toContain(file);
    expect(existsSync(path.join(DIR, "runport.env.example"))).toBe(true);
    expect(operations).toContain("systemctl enable --now runport.target");
  });
});
