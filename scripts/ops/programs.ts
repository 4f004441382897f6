import { spawnSync } from "node:child_process";
import { accessSync, constants, closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Full path of the first of the named programs that exists. Server programs live in
 * /usr/sbin, which is not on a normal user's PATH on Debian.
 */
export function findProgram(...names: string[]): string | undefined {
  const dirs = [
    ...(process.env.PATH ?? "").split(":").filter(Boolean),
    ...["/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/local/bin", "/usr/bin"],
  ];
  for (const name of names)
    for (const dir of dirs) {
      const file = path.join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  return undefined;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function packageInstalled(name: string): boolean {
  const out = spawnSync("dpkg-query", ["-W", "-f=${Status}", name], { encoding: "utf8" });
  return out.stdout === "install ok installed";
}

const SYSTEM_UNITS: Record<string, string> = {
  "mariadb-server": "mariadb",
  "redis-server": "redis-server",
};

/**
 * Installs the packages with apt-get (as root, or through sudo). The system services the
 * server packages start are stopped and disabled when this run installed them: Runport
 * runs its own servers from .data/, and a system MariaDB on 3306 whose root logs in only
 * through the Unix socket would otherwise take the port and refuse Runport's login.
 */
export function aptInstall(root: string, packages: string[]): void {
  // Only what is not installed yet: never upgrade (and so restart) existing packages.
  const wanted = packages.filter((p) => !packageInstalled(p));
  if (wanted.length === 0)
    throw new Error(
      `The packages ${packages.join(" ")} are installed, but their programs were not found (looked in PATH and /usr/sbin).`,
    );
  const list = wanted.join(" ");
  if (!findProgram("apt-get"))
    throw new Error(
      `Cannot install ${list} automatically: this is not a Debian/Ubuntu system (no apt-get).\nInstall them with your package manager, then run this again.`,
    );
  const sudo = isRoot() ? [] : ["sudo"];
  if (sudo.length > 0 && !findProgram("sudo"))
    throw new Error(
      `Need to install ${list}, which requires root, but you are not root and sudo is missing.\nAsk an administrator to run:  apt-get install -y ${list}   then run this again.`,
    );
  mkdirSync(path.join(root, ".data"), { recursive: true });
  const logFile = path.join(root, ".data/apt-get.log");
  const log = openSync(logFile, "w");
  // stdin stays the terminal's: sudo may ask for a password.
  const run = (...args: string[]) => {
    const [command = "", ...rest] = [...sudo, ...args];
    return spawnSync(command, rest, { stdio: ["inherit", log, log] }).status === 0;
  };
  try {
    console.log(
      `Installing ${list} with apt-get${sudo.length ? " (through sudo: it may ask for your password)" : ""}; this can take a few minutes (log: .data/apt-get.log)...`,
    );
    // A failing update (e.g. one broken third-party repository) need not stop the install.
    if (!run("apt-get", "update"))
      console.error(
        "(apt-get update reported errors, see .data/apt-get.log; trying the install anyway)",
      );
    if (!run("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", ...wanted)) {
      const tail = readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-15).join("\n");
      throw new Error(
        `Installing ${list} failed. The end of .data/apt-get.log:\n${tail}${sudo.length ? `\n(If sudo refused: ask an administrator to run  apt-get install -y ${list})` : ""}`,
      );
    }
    for (const pkg of wanted) {
      const unit = SYSTEM_UNITS[pkg];
      if (!unit) continue;
      if (findProgram("systemctl") && isDirectory("/run/systemd/system")) {
        run("systemctl", "disable", "--now", unit);
        console.log(
          `Note: the ${unit} system service that came with ${pkg} is stopped and disabled; Runport runs its own server from .data/ (to use the system one instead: sudo systemctl enable --now ${unit}).`,
        );
      } else if (findProgram("service")) {
        run("service", unit, "stop"); // no systemd (a container): its init script may have started it
      }
    }
  } finally {
    closeSync(log);
  }
}

function isDirectory(dir: string): boolean {
  try {
    accessSync(dir);
    return true;
  } catch {
    return false;
  }
}
